// Usage text and options of the ban commands, apart from their handlers (loaded on use: SSH, pg and the
// parsers are not needed by any other command).

export const BANS_HELP = `  bans list [--json]                      current bans, one per address, jail and node (JSON: an array of
                                          {ip, jail, node, country, bannedAt, expiresAt, firstSeenAt, lastSeenAt})
  unban ADDRESS --node N|--all [--jail J] [--json]
                                          lift the ban on one node or all (the jail is always named), then
                                          re-read the node; exits 1 unless every ban was confirmed lifted
  status [--json]                         node health from the latest collector snapshots`;

export const bansListOptions = { json: { type: "boolean" } } as const;
export const unbanOptions = { node: { type: "string" }, all: { type: "boolean" }, jail: { type: "string" }, json: { type: "boolean" } } as const;
export const statusOptions = { json: { type: "boolean" } } as const;
