/**
 * Per-node fail2ban: a copy of the host's stock configuration (filters, actions) with an empty jail set, in
 * /etc/netns/<namespace>/fail2ban. `ip netns exec` bind-mounts it over /etc/fail2ban for every process it
 * starts, so the node's fail2ban-server, and every SSH session (sshd is started the same way), see it as
 * /etc/fail2ban: a push writes jail.d/filter.d/action.d there, and `fail2ban-client reload` in the node finds
 * the node's own socket. Socket, pid file, database and log live in the lab state dir. The host's
 * /etc/fail2ban is only read.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { isAlive, runAsyncOk, waitFor } from "./exec";

export interface NodeFail2ban {
  /** Root-namespace path of the node's configuration (it is /etc/fail2ban inside the namespace). */
  configDir: string;
  socket: string;
  pidFile: string;
  dbFile: string;
  logFile: string;
}

export function netnsEtcDir(namespace: string): string {
  return join("/etc/netns", namespace);
}

export function renderFail2banLocal(f: NodeFail2ban): string {
  return [
    "# Rampart lab node (generated): keep this node's state out of the host's.",
    "[Definition]",
    "loglevel = INFO",
    `logtarget = ${f.logFile}`,
    `socket = ${f.socket}`,
    `pidfile = ${f.pidFile}`,
    `dbfile = ${f.dbFile}`,
    "",
  ].join("\n");
}

/** Copies the stock configuration, empties jail.d and writes fail2ban.local. */
export function prepareFail2ban(namespace: string, stateDir: string, logFile: string): NodeFail2ban {
  const configDir = join(netnsEtcDir(namespace), "fail2ban");
  mkdirSync(join(stateDir, "fail2ban"), { recursive: true });
  const f: NodeFail2ban = {
    configDir,
    socket: join(stateDir, "fail2ban", "fail2ban.sock"),
    pidFile: join(stateDir, "fail2ban", "fail2ban.pid"),
    dbFile: join(stateDir, "fail2ban", "fail2ban.sqlite3"),
    logFile,
  };
  mkdirSync(netnsEtcDir(namespace), { recursive: true });
  cpSync("/etc/fail2ban", configDir, { recursive: true });
  const jailDir = join(configDir, "jail.d");
  if (existsSync(jailDir)) for (const entry of readdirSync(jailDir)) rmSync(join(jailDir, entry), { recursive: true, force: true });
  mkdirSync(jailDir, { recursive: true });
  writeFileSync(join(configDir, "fail2ban.local"), renderFail2banLocal(f));
  return f;
}

/** `fail2ban-client start` through `ipPrefix` (the node's namespace and mounts; it daemonizes); waits for the pid file and a ping. */
export async function startFail2ban(ipPrefix: readonly string[], namespace: string, f: NodeFail2ban): Promise<number> {
  await runAsyncOk("ip", [...ipPrefix, "fail2ban-client", "-s", f.socket, "-p", f.pidFile, "start"]);
  let pid = 0;
  await waitFor(`fail2ban in ${namespace}`, () => {
    if (!existsSync(f.pidFile)) return false;
    pid = Number(readFileSync(f.pidFile, "utf8").trim());
    return pid > 0 && isAlive(pid);
  }, 20_000);
  await runAsyncOk("ip", ["netns", "exec", namespace, "fail2ban-client", "-s", f.socket, "ping"]);
  return pid;
}
