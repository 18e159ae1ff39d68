/**
 * The closed set of commands Rampart runs on a node. Every one is a fixed string: the remote login shell
 * parses whatever ssh sends, so nothing variable (no name, address or path from the database) is ever part of
 * a command. Data reaches the node as files uploaded under NODE_DIR (session.ts refuses any other path) and the
 * agent reads them from there.
 */

/** Rampart's directory on every node: the agent, staging, the snapshot and the confirmed version. */
export const NODE_DIR = "/var/lib/rampart";
export const AGENT_PATH = `${NODE_DIR}/agent/rampart-node.sh`;
export const STAGING_DIR = `${NODE_DIR}/staging`;

const agent = (verb: string) => `/bin/sh ${AGENT_PATH} ${verb}`;

/**
 * Runs before the agent may exist: which tools the node has and which agent and version it runs. Prints
 * `key=value` lines (parseProbe in lib/deploy/agent-output.ts reads them).
 */
const PROBE = [
  "PATH=/usr/sbin:/usr/bin:/sbin:/bin; export PATH",
  'echo "kernel=$(uname -sr)"',
  'echo "iptables=$(iptables -V 2>/dev/null | head -n 1)"',
  'echo "ip6tables=$(ip6tables -V 2>/dev/null | head -n 1)"',
  'echo "ipset=$(ipset -v 2>/dev/null | head -n 1)"',
  'echo "fail2ban=$(fail2ban-client -V 2>/dev/null | head -n 1)"',
  'for t in iptables-restore ip6tables-restore flock setsid sha256sum; do command -v "$t" >/dev/null 2>&1 && echo "has=$t"; done',
  `echo "agent=$(sha256sum ${AGENT_PATH} 2>/dev/null | cut -d ' ' -f 1)"`,
  `echo "version=$(cat ${NODE_DIR}/current/version 2>/dev/null)"`,
  // The panel's address as the node sees it ("client_ip client_port server_ip server_port").
  'echo "client=${SSH_CONNECTION%% *}"',
  "echo end=1",
].join("; ");

export const NODE_COMMANDS = {
  probe: PROBE,
  /** Empties the staging directory before an upload. */
  stageReset: agent("stage-reset"),
  /** Checksums, temporary sets, `iptables-restore --test`, `fail2ban-client -t` of staged artefacts. */
  validate: agent("validate"),
  /** Snapshot, apply, arm the on-node rollback timer; prints `applied <rollback epoch>`. */
  apply: agent("apply"),
  /** Health check and cancel the timer; prints `confirmed <version> <digest>`. */
  confirm: agent("confirm"),
  /** Current version, pending apply, last rollback, drift digest. */
  status: agent("status"),
  /** Restores the snapshot now (an administrator's "roll back this node"). */
  rollback: agent("rollback"),
  /** Ban, rate and counter readings for the collector. */
  observe: agent("observe"),
  /** Unbans the `jail address` lines of the uploaded staging/unban.list; prints one result per line. */
  unban: agent("unban"),
} as const;

export type NodeCommand = keyof typeof NODE_COMMANDS;
