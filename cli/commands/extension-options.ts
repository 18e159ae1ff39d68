// Usage text and options of the extension block commands, apart from their handlers (loaded on use: lifting a
// block sends the nodes the cluster's guard state over SSH, which no other command needs).

export const EXTENSION_HELP = `  extension blocks [--open] [--limit N] [--cursor C] [--json]
                                          extensions the call guard blocked for abuse, open ones first, newest
                                          first (JSON: {items, nextCursor}); --open: only blocks in force
  extension unblock ACCOUNT_CODE EXTENSION [--json]
                                          lift the open block of the extension (audited) and send every node
                                          the lift now; a node not reachable gets it with its next poll`;

export const extensionBlocksOptions = {
  open: { type: "boolean" },
  limit: { type: "string" },
  cursor: { type: "string" },
  json: { type: "boolean" },
} as const;

export const extensionUnblockOptions = { json: { type: "boolean" } } as const;
