// Usage text and options of `rampart calls list`, apart from its handler (loaded on use: the nodes data layer
// brings the SSH and crypto modules, which no other command needs).

export const callsListOptions = {
  node: { type: "string" },
  account: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
  json: { type: "boolean" },
} as const;

export const CALLS_HELP = `  calls list [--node NAME] [--account CODE] [--limit N] [--cursor C] [--json]
                                          call records the nodes' Asterisk wrote, newest first, with the call
                                          guard's decision and why, the extension and the cost (JSON: {items,
                                          nextCursor}); --cursor takes the cursor printed after a full page`;
