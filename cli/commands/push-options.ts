// Options and help of `rampart push` / `rampart rollback`, apart from the commands so the dispatcher loads
// the SSH layer only when one of them runs.

export const pushOptions = {
  all: { type: "boolean" },
  node: { type: "string" },
  tag: { type: "string" },
  wait: { type: "boolean" },
  "no-canary": { type: "boolean" },
  concurrency: { type: "string" },
  "failure-threshold": { type: "string" },
  timer: { type: "string" },
  json: { type: "boolean" },
} as const;

export const rollbackOptions = { ...pushOptions, to: { type: "string" } } as const;

export const PUSH_HELP = `  push --all|--node N[,N...]|--tag T [--wait] [--no-canary] [--concurrency C] [--failure-threshold F]
       [--timer SECONDS] [--json]         render the current policy for each targeted node and push it safely
                                          (canary first, bounded concurrency, on-node rollback timer); with
                                          --wait the exit status is 0 only when every targeted node confirmed
  rollback --to VERSION [--all|--node N|--tag T] [--wait] ...
                                          push an earlier stored version again (re-validated first); without a
                                          target: the nodes that ran that version`;
