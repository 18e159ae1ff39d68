// Options and help of the node commands, apart from their code: the dispatcher loads that only when one of
// them runs (it pulls in ssh2 and the key handling, which no other command needs).

export const NODES_HELP = `  node add --name N --host H [--port P] --user U --key-file F --host-key-fingerprint FP [--tags a,b]
           [--management-address A]
                                          add a node: the host key is fetched and must equal FP (compare with
                                          ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the node); the key
                                          is stored encrypted; prints the node as JSON
  nodes list [--json]                     the nodes, their running version and last push (a table, or a JSON array)
  nodes repair NODE [--force] [--wait] [--timer SECONDS] [--json]
                                          re-apply the version NODE last confirmed (a drifted node); refused when
                                          it is not reported drifted unless --force; --wait as for push
  secrets rotate --old-key-file F         re-encrypt node keys sealed with the previous master secret (in F) under
                                          the current one (RAMPART_SECRET_KEY or the data directory's secret.key)`;

export const nodeAddOptions = {
  name: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  user: { type: "string" },
  "key-file": { type: "string" },
  "host-key-fingerprint": { type: "string" },
  tags: { type: "string" },
  "management-address": { type: "string" },
} as const;

export const nodesListOptions = { json: { type: "boolean" } } as const;
export const nodesRepairOptions = { force: { type: "boolean" }, wait: { type: "boolean" }, timer: { type: "string" }, json: { type: "boolean" } } as const;
export const secretsRotateOptions = { "old-key-file": { type: "string" } } as const;
