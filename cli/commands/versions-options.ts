// Usage text and options of `rampart versions`, apart from the handlers (loaded on use).

export const VERSIONS_HELP = `  versions list [--limit N] [--json]      stored ruleset versions, newest first: hash, time, author, the
                                          changes against the version before it, the nodes running it
  versions diff A B [--json]              the lines version B adds and removes against version A, per artefact
                                          (A and B: hashes or unique prefixes of at least 8 characters)`;

export const versionsListOptions = { limit: { type: "string" }, json: { type: "boolean" } } as const;
export const versionsDiffOptions = { json: { type: "boolean" } } as const;
