/**
 * Builds and removes the simulated PBX cluster (lab/topology.ts describes the layout). Every created resource
 * is recorded in the state file before the next one is made, so `down` removes exactly what `up` created and
 * is safe to run twice. Test, bench and demo tooling only: runs fixed argv as root.
 */
import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { missingPrerequisites, run, runOk } from "@/test/rules/netns";

import { asteriskCliScript, ensureAsteriskRootfs, startAsterisk, stopAsterisk, type AsteriskInstance } from "./asterisk";
import { AMI_PORT, renderCarrierAsterisk, renderNodeAsterisk, renderPhoneAsterisk, type LabExtension } from "./asterisk-config";
import { isAlive, runAsync, sleep, waitFor } from "./exec";
import { netnsEtcDir, prepareFail2ban, startFail2ban, type NodeFail2ban } from "./fail2ban";
import { writeLabGeo } from "./geo";
import { ensureClientKey, prepareSshd, startSshd } from "./sshd";
import { emptyState, labDir, readState, writeState, type AsteriskHostState, type LabState, type NodeState } from "./state";
import { CARRIER_ADDRESS, NAMESPACE_PREFIX_LENGTH, PANEL_PREFIX_LENGTH, planTopology, SIP_PORT, SSH_PORT, type LabEndpoint, type LabNode } from "./topology";

export const LAB_TOOLS = ["ip", "iptables", "ipset", "fail2ban-client", "fail2ban-server", "ssh-keygen", "ssh", "/usr/sbin/sshd", "svmap", "svwar", "svcrack", "debootstrap", "flock", "chroot"];
export const SIP_REALM = "asterisk";
/** Every node's PBX tenants and extensions (account code = tenant); passwords are random per node. */
export const LAB_TENANTS: ReadonlyArray<{ tenant: string; extensions: readonly string[] }> = [
  { tenant: "acme", extensions: ["1001", "1002"] },
  { tenant: "globex", extensions: ["2001", "2002"] },
];
/** The extension the attack tests aim at (svcrack, forged registrations). */
export const SIP_EXTENSION = LAB_TENANTS[0]!.extensions[0]!;

/** The `--json` shape of `up` and `status --json`. */
export interface LabDescription {
  stateDir: string;
  panelAddress: string;
  nodes: Array<{
    name: string;
    namespace: string;
    host: string;
    port: number;
    user: string;
    keyPath: string;
    hostKeyFingerprint: string;
    /** `ssh-ed25519 AAAA...`, for a known_hosts line. */
    hostKey: string;
    /** `extension`/`password`: the first endpoint; `endpoints`: every tenant extension (digest auth, UDP and TCP). */
    sip: { extension: string; password: string; port: number; realm: string; transports: string[]; endpoints: LabExtension[] };
    /** The Asterisk manager interface, bound to the node's loopback only. */
    ami: { host: string; port: number; user: string; secret: string };
    logPaths: NodeState["logPaths"];
    fail2ban: { configDir: string; socket: string };
  }>;
  attacker: { name: string; namespace: string; addresses: string[] };
  /** The carrier behind every node's trunk: answers any number, keeps the call up in silence. */
  carrier: { name: string; namespace: string; address: string; port: number } | null;
  /** The phones' user agent (an Asterisk with one endpoint per node extension; lab/phones.ts). */
  phones: { name: string; namespace: string; address: string } | null;
  /** A GeoIP dataset for the lab's ranges (RAMPART_GEOIP_DIR=geo.dir): nodes and panel "CH", attacker "KP". */
  geo: { dir: string; ipv4: string; ipv4Num: string } | null;
}

export function describeLab(state: LabState): LabDescription {
  return {
    stateDir: state.dir,
    panelAddress: planTopology(Math.max(1, state.nodes.length)).panelAddress,
    nodes: state.nodes.map((n) => ({
      name: n.name,
      namespace: n.namespace,
      host: n.address,
      port: SSH_PORT,
      user: "root",
      keyPath: state.clientKeyPath,
      hostKeyFingerprint: n.hostKeyFingerprint,
      hostKey: readFileSync(join(n.dir, "ssh", "ssh_host_ed25519_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" "),
      sip: { extension: n.sip.extension, password: n.sip.password, port: SIP_PORT, realm: SIP_REALM, transports: ["udp", "tcp"], endpoints: n.sip.extensions },
      ami: { host: "127.0.0.1", port: AMI_PORT, user: "rampart", secret: n.sip.amiSecret },
      logPaths: n.logPaths,
      fail2ban: { configDir: n.fail2ban.configDir, socket: n.fail2ban.socket },
    })),
    attacker: state.attacker ?? { name: "attacker", namespace: "", addresses: [] },
    carrier: state.carrier === null ? null : { name: state.carrier.name, namespace: state.carrier.namespace, address: state.carrier.address, port: SIP_PORT },
    phones: state.phones === null ? null : { name: state.phones.name, namespace: state.phones.namespace, address: state.phones.address },
    geo: state.geo,
  };
}

function mkdirRecorded(state: LabState, path: string, mode = 0o755): void {
  if (existsSync(path)) return;
  mkdirSync(path, { mode });
  state.createdDirs.push(path);
  writeState(state);
}

function createEndpoint(state: LabState, bridge: string, endpoint: LabEndpoint): void {
  runOk("ip", ["netns", "add", endpoint.namespace]);
  state.namespaces.push(endpoint.namespace);
  writeState(state);
  runOk("ip", ["link", "add", endpoint.hostVeth, "type", "veth", "peer", "name", endpoint.innerVeth, "netns", endpoint.namespace]);
  state.links.push(endpoint.hostVeth);
  writeState(state);
  runOk("ip", ["link", "set", endpoint.hostVeth, "master", bridge, "up"]);
  const ns = ["-n", endpoint.namespace];
  runOk("ip", [...ns, "link", "set", "lo", "up"]);
  for (const address of endpoint.addresses) runOk("ip", [...ns, "addr", "add", `${address}/${NAMESPACE_PREFIX_LENGTH}`, "dev", endpoint.innerVeth]);
  runOk("ip", [...ns, "link", "set", endpoint.innerVeth, "up"]);
}

function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, "a"));
}

/**
 * Node namespaces share the host's filesystem, but a PBX has its own /var/log and /var/lib/rampart. Every
 * daemon of a node (sshd and so its SSH sessions, fail2ban; Asterisk binds the same var-log, lab/asterisk.ts) starts inside a private mount
 * namespace (`ip netns exec` makes one and keeps mounts from propagating back) with the node's directories
 * bound over those two paths, so a push writes where it would on a real node and nodes never see each other.
 */
export const NODE_MOUNTS = ["/var/lib/rampart", "/var/log"] as const;
// Lab nodes have no systemd: on a host that runs it, /run/systemd is hidden so the agent never installs or
// enables a unit on the host; it installs its ifupdown hook in the node's own /etc/network instead.
const MOUNT_SCRIPT =
  'mount --bind "$1" /var/lib/rampart && mount --bind "$2" /var/log && { [ ! -d /run/systemd/system ] || mount -t tmpfs -o size=1m tmpfs /run/systemd; } && shift 2 && exec "$@"';

export function nodeDirs(nodeDir: string): { varLibRampart: string; varLog: string } {
  return { varLibRampart: join(nodeDir, "var-lib-rampart"), varLog: join(nodeDir, "var-log") };
}

/** argv that runs `argv` in the node's namespace with its own /var/lib/rampart and /var/log. */
export function nodeExecArgv(namespace: string, nodeDir: string, argv: readonly string[]): string[] {
  const dirs = nodeDirs(nodeDir);
  return ["netns", "exec", namespace, "sh", "-c", MOUNT_SCRIPT, "sh", dirs.varLibRampart, dirs.varLog, ...argv];
}

/** The node's Asterisk: its own configuration, spool and run dirs, and the node's /var/log. */
export function nodeAsterisk(namespace: string, nodeDir: string): AsteriskInstance {
  const dirs = nodeDirs(nodeDir);
  return { namespace, dir: join(nodeDir, "asterisk"), varLog: dirs.varLog, varLibRampart: dirs.varLibRampart };
}

/** The carrier's or the phones' Asterisk. */
export function hostAsterisk(host: AsteriskHostState): AsteriskInstance {
  return { namespace: host.namespace, dir: host.dir, varLog: join(host.dir, "var-log") };
}

/** Random alphanumeric lab passwords: strong enough that no dictionary holds them unless a test puts them there. */
function labPassword(): string {
  return randomBytes(9).toString("base64url").replace(/[^A-Za-z0-9]/g, "x");
}

async function startNode(state: LabState, node: LabNode, clientPublicKey: string): Promise<NodeState> {
  const dir = join(state.dir, "nodes", node.name);
  mkdirSync(join(dir, "ssh"), { recursive: true, mode: 0o755 });
  const { varLibRampart, varLog: logDir } = nodeDirs(dir);
  mkdirSync(varLibRampart, { recursive: true, mode: 0o700 });
  // Host-side paths of the node's /var/log/asterisk/messages etc. (the defaults Rampart renders).
  const logPaths = {
    asteriskMessages: join(logDir, "asterisk", "messages"),
    asteriskSecurity: join(logDir, "asterisk", "security"),
    asteriskCdr: join(logDir, "asterisk", "cdr-csv", "Master.csv"),
    freepbxSecurity: join(logDir, "asterisk", "freepbx_security.log"),
    webServerError: join(logDir, "apache2", "error.log"),
    fail2ban: join(logDir, "fail2ban.log"),
  };
  for (const path of Object.values(logPaths)) touch(path);

  // The node's own /etc/network (ip netns exec binds /etc/netns/<ns>/network over it), where the agent installs
  // its boot-restore hook as on a Debian node without systemd.
  mkdirSync(join(netnsEtcDir(node.namespace), "network", "if-pre-up.d"), { recursive: true, mode: 0o755 });
  const sshd = await prepareSshd(join(dir, "ssh"), node.address, clientPublicKey, `rampart-lab-${node.name}`);
  const fail2ban = prepareFail2ban(node.namespace, dir, "/var/log/fail2ban.log");
  const extensions: LabExtension[] = LAB_TENANTS.flatMap((t) => t.extensions.map((extension) => ({ tenant: t.tenant, extension, password: labPassword() })));
  const amiSecret = labPassword();
  const asterisk = nodeAsterisk(node.namespace, dir);
  // How the node's agent reaches this Asterisk (reload the call guard's dialplan): $R/asterisk-cli.
  writeFileSync(join(varLibRampart, "asterisk-cli"), asteriskCliScript(asterisk), { mode: 0o755 });
  const [, , sipPid] = await Promise.all([
    startSshd(nodeExecArgv(node.namespace, dir, ["/usr/sbin/sshd", "-f", sshd.config]), sshd, node.address),
    startFail2ban(nodeExecArgv(node.namespace, dir, []), node.namespace, fail2ban),
    startAsterisk(asterisk, renderNodeAsterisk({ name: node.name, address: node.address, extensions, amiSecret, carrierAddress: CARRIER_ADDRESS })),
  ]);
  return {
    name: node.name,
    namespace: node.namespace,
    address: node.address,
    dir,
    sshdPidFile: sshd.pidFile,
    hostKeyFingerprint: sshd.fingerprint,
    fail2ban: { configDir: fail2ban.configDir, socket: fail2ban.socket, pidFile: fail2ban.pidFile },
    sip: { pid: sipPid, extension: SIP_EXTENSION, password: extensions[0]!.password, extensions, amiSecret, asteriskDir: asterisk.dir },
    logPaths,
  };
}

/** Creates the cluster; on failure removes whatever was created and rethrows. Progress goes to `log`. */
export async function upLab(nodeCount: number, dir = labDir(), log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<LabDescription> {
  const topology = planTopology(nodeCount);
  const missing = missingPrerequisites(LAB_TOOLS);
  if (missing.length > 0) throw new Error(`missing prerequisites: ${missing.join(", ")}`);
  const existing = readState(dir);
  if (existing !== null) throw new Error(`a lab is already up (state in ${dir}); run \`lab down\` first.`);
  if (run("ip", ["link", "show", topology.bridge]).status === 0) throw new Error(`${topology.bridge} exists but no lab state in ${dir}: remove it by hand.`);

  // The one slow step, and only on a machine's first `up`: nothing is created before it.
  await ensureAsteriskRootfs(log);

  const state = emptyState(dir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeState(state);
  try {
    // sshd refuses to start without its privilege separation directory; Debian creates it from the service unit.
    mkdirRecorded(state, "/run/sshd");
    mkdirRecorded(state, "/etc/netns");
    mkdirRecorded(state, "/var/lib/rampart", 0o700);
    // Mount point for each node's /etc/network (the host may have no ifupdown).
    mkdirRecorded(state, "/etc/network");
    const clientKey = await ensureClientKey(state.clientKeyPath);
    const clientPublicKey = readFileSync(`${clientKey}.pub`, "utf8");

    runOk("ip", ["link", "add", topology.bridge, "type", "bridge"]);
    state.links.push(topology.bridge);
    writeState(state);
    runOk("ip", ["addr", "add", `${topology.panelAddress}/${PANEL_PREFIX_LENGTH}`, "dev", topology.bridge]);
    runOk("ip", ["link", "set", topology.bridge, "up"]);
    for (const endpoint of [...topology.nodes, topology.attacker, topology.carrier, topology.phones]) {
      createEndpoint(state, topology.bridge, endpoint);
      if (endpoint.namespace.length > 0) mkdirRecorded(state, netnsEtcDir(endpoint.namespace));
    }
    state.attacker = { name: topology.attacker.name, namespace: topology.attacker.namespace, addresses: topology.attacker.addresses };
    state.geo = writeLabGeo(dir);
    writeState(state);

    const started = await Promise.allSettled(topology.nodes.map((node) => startNode(state, node, clientPublicKey)));
    for (const result of started) if (result.status === "fulfilled") state.nodes.push(result.value);
    writeState(state);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;

    const hosts = { carrier: topology.carrier, phones: topology.phones };
    const files = {
      carrier: renderCarrierAsterisk(state.nodes.map((n) => n.address)),
      phones: renderPhoneAsterisk(state.nodes.map((n) => ({ name: n.name, address: n.address, extensions: n.sip.extensions }))),
    };
    await Promise.all(
      (["carrier", "phones"] as const).map(async (key) => {
        const host: AsteriskHostState = { name: hosts[key].name, namespace: hosts[key].namespace, address: hosts[key].address, pid: 0, dir: join(dir, hosts[key].name) };
        mkdirSync(join(host.dir, "var-log", "asterisk"), { recursive: true });
        host.pid = await startAsterisk(hostAsterisk(host), files[key]);
        state[key] = host;
        writeState(state);
      }),
    );
    return describeLab(state);
  } catch (error) {
    await downLab(dir);
    throw error;
  }
}

async function killNamespaceProcesses(namespace: string): Promise<void> {
  const pids = () =>
    run("ip", ["netns", "pids", namespace])
      .stdout.split("\n")
      .map(Number)
      .filter((pid) => pid > 0);
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    const live = pids();
    if (live.length === 0) return;
    for (const pid of live) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    for (let i = 0; i < 40 && pids().length > 0; i++) await sleep(50);
  }
}

/** Removes everything the state file lists; a no-op without state. Returns what it removed. */
export async function downLab(dir = labDir()): Promise<string[]> {
  const state = readState(dir);
  if (state === null) return [];
  const removed: string[] = [];
  const present = new Set(run("ip", ["netns", "list"]).stdout.split("\n").map((line) => line.split(" ")[0]));

  // Stop fail2ban cleanly first (it flushes its database); everything else is killed per namespace.
  await Promise.all(
    state.nodes.filter((n) => present.has(n.namespace)).map((n) => runAsync("timeout", ["10", "ip", "netns", "exec", n.namespace, "fail2ban-client", "-s", n.fail2ban.socket, "stop"])),
  );
  for (const host of [state.carrier, state.phones]) if (host !== null && present.has(host.namespace)) stopAsterisk(host.pid, host.namespace);
  for (const node of state.nodes) {
    for (const pid of [node.sip.pid, Number(existsSync(node.sshdPidFile) ? readFileSync(node.sshdPidFile, "utf8").trim() : "0")]) {
      // Only processes still inside the node's namespace are ours (a pid may have been reused elsewhere).
      if (pid > 0 && run("ip", ["netns", "identify", String(pid)]).stdout.trim() === node.namespace) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  }
  await Promise.all(state.namespaces.filter((ns) => present.has(ns)).map((ns) => killNamespaceProcesses(ns)));
  for (const ns of state.namespaces) {
    if (present.has(ns)) {
      runOk("ip", ["netns", "del", ns]);
      removed.push(`netns ${ns}`);
    }
  }
  for (const link of [...state.links].reverse()) {
    if (run("ip", ["link", "show", link]).status === 0) {
      run("ip", ["link", "del", link]);
      removed.push(`link ${link}`);
    }
  }
  for (const path of [...state.createdDirs].reverse()) {
    if (!existsSync(path)) continue;
    if (path.startsWith("/etc/netns/")) rmSync(path, { recursive: true, force: true });
    else if (readdirSync(path).length === 0) rmdirSync(path);
    else continue;
    removed.push(`dir ${path}`);
  }
  rmSync(dir, { recursive: true, force: true });
  removed.push(`dir ${dir}`);
  return removed;
}

/** Health of each node's daemons, from the state file. */
export function labStatus(dir = labDir()): {
  up: boolean;
  nodes: Array<{ name: string; namespace: boolean; sshd: boolean; fail2ban: boolean; sip: boolean }>;
  hosts: Array<{ name: string; asterisk: boolean }>;
} {
  const state = readState(dir);
  if (state === null) return { up: false, nodes: [], hosts: [] };
  const present = new Set(run("ip", ["netns", "list"]).stdout.split("\n").map((line) => line.split(" ")[0]));
  const pidFrom = (file: string) => (existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0);
  return {
    up: true,
    nodes: state.nodes.map((n) => ({
      name: n.name,
      namespace: present.has(n.namespace),
      sshd: isAlive(pidFrom(n.sshdPidFile)),
      fail2ban: isAlive(pidFrom(n.fail2ban.pidFile)),
      sip: isAlive(n.sip.pid),
    })),
    hosts: [state.carrier, state.phones].flatMap((h) => (h === null ? [] : [{ name: h.name, asterisk: isAlive(h.pid) }])),
  };
}

/** The namespace `lab exec NAME` runs in: node name, "attacker", or a namespace the lab created. */
export function namespaceFor(name: string, dir = labDir()): string | undefined {
  const state = readState(dir);
  if (state === null) return undefined;
  const node = state.nodes.find((n) => n.name === name || n.namespace === name);
  if (node !== undefined) return node.namespace;
  if (state.attacker !== null && (state.attacker.name === name || state.attacker.namespace === name)) return state.attacker.namespace;
  return state.namespaces.includes(name) ? name : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Reboot
// ---------------------------------------------------------------------------------------------------------

/** Where the agent installs what restores a node at boot (lib/deploy/agent/rampart-node.sh UNIT and HOOK). */
export const BOOT_UNIT = "/etc/systemd/system/rampart-restore.service";
export const BOOT_HOOK = "/etc/network/if-pre-up.d/rampart-restore";
/** What ifupdown passes a pre-up hook when `ifup -a` brings lo up at boot. */
const IFUPDOWN_LO_ENV = ["IFACE=lo", "LOGICAL=lo", "ADDRFAM=inet", "METHOD=loopback", "MODE=start", "PHASE=pre-up", "VERBOSITY=0"];

export interface RebootReport {
  node: string;
  /** What "init" ran: the unit's ExecStart, the hook, or nothing. */
  init: string;
  /** The line boot-restore wrote to /var/lib/rampart/boot.log during this reboot; null when it did not run. */
  bootLog: string | null;
  /** The agent's `status` after the reboot (version, confirmed_digest, digest, boot_restore ...). */
  status: string;
}

/** The ExecStart argv of a unit file's text, or null. Our unit has one, with plain words (no quoting). */
export function unitExecStart(text: string): string[] | null {
  const line = text.split("\n").find((l) => l.startsWith("ExecStart="));
  if (line === undefined) return null;
  const argv = line.slice("ExecStart=".length).trim().split(/\s+/).filter(Boolean);
  return argv.length > 0 ? argv : null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Simulates a reboot of one node: fail2ban stops (as at shutdown: its database keeps the bans), the node's
 * namespace loses every iptables/ip6tables rule and chain of every table and every ipset set (what a reboot
 * loses; files under /var/lib/rampart and /etc stay), then what the node's init would run runs: the installed
 * unit's ExecStart if there is one, else the ifupdown hook as `ifup -a` calls it for lo, and fail2ban starts
 * again after it. Nothing Rampart-specific is done here beyond what the node itself installed.
 */
export async function rebootNode(name: string, dir = labDir()): Promise<RebootReport> {
  const state = readState(dir);
  if (state === null) throw new Error(`no lab is up (state in ${dir})`);
  const node = state.nodes.find((n) => n.name === name || n.namespace === name);
  if (node === undefined) throw new Error(`no lab node called ${name}`);
  const inNode = (argv: readonly string[]) => nodeExecArgv(node.namespace, node.dir, argv);

  // Shutdown: fail2ban stops and leaves no pid file behind for startFail2ban to mistake for the new one.
  await runAsync("timeout", ["20", "ip", "netns", "exec", node.namespace, "fail2ban-client", "-s", node.fail2ban.socket, "stop"]);
  await waitFor(`fail2ban in ${node.namespace} to stop`, () => {
    const pid = existsSync(node.fail2ban.pidFile) ? Number(readFileSync(node.fail2ban.pidFile, "utf8").trim()) : 0;
    return !isAlive(pid) || run("ip", ["netns", "identify", String(pid)]).stdout.trim() !== node.namespace;
  }, 20_000);
  rmSync(node.fail2ban.pidFile, { force: true });

  // What the kernel forgets: every table's rules and chains, policies back to ACCEPT, every set.
  for (const family of ["iptables", "ip6tables"] as const) {
    const tables = runOk("ip", ["netns", "exec", node.namespace, `${family}-save`])
      .split("\n")
      .filter((line) => line.startsWith("*"))
      .map((line) => line.slice(1));
    for (const table of tables) {
      runOk("ip", ["netns", "exec", node.namespace, family, "-w", "-t", table, "-F"]);
      runOk("ip", ["netns", "exec", node.namespace, family, "-w", "-t", table, "-X"]);
      for (const line of runOk("ip", ["netns", "exec", node.namespace, family, "-w", "-t", table, "-S"]).split("\n")) {
        const policy = /^-P (\S+) \S+$/.exec(line);
        if (policy) runOk("ip", ["netns", "exec", node.namespace, family, "-w", "-t", table, "-P", policy[1]!, "ACCEPT"]);
      }
    }
  }
  runOk("ip", ["netns", "exec", node.namespace, "ipset", "destroy"]);

  const bootLogPath = join(nodeDirs(node.dir).varLibRampart, "boot.log");
  const readBootLog = () => (existsSync(bootLogPath) ? readFileSync(bootLogPath, "utf8").trim().split("\n").filter(Boolean) : []);
  const loggedBefore = readBootLog().length;

  // Init: the unit (systemd) or the ifupdown hook, whichever the node installed; then fail2ban.
  const hostHook = join(netnsEtcDir(node.namespace), "network", "if-pre-up.d", "rampart-restore");
  const execStart = existsSync(BOOT_UNIT) ? unitExecStart(readFileSync(BOOT_UNIT, "utf8")) : null;
  let init = "nothing (no boot restore installed)";
  if (execStart !== null) {
    init = `${BOOT_UNIT}: ${execStart.join(" ")}`;
    await runAsync("timeout", ["120", "ip", ...inNode(execStart)]);
  } else if (existsSync(hostHook) && isExecutable(hostHook)) {
    // run-parts runs only executable hooks, with ifupdown's variables in the environment.
    init = `${BOOT_HOOK} (IFACE=lo)`;
    await runAsync("timeout", ["120", "ip", ...inNode(["env", ...IFUPDOWN_LO_ENV, BOOT_HOOK])]);
  }
  const fail2ban: NodeFail2ban = { ...node.fail2ban, dbFile: join(node.dir, "fail2ban", "fail2ban.sqlite3"), logFile: "/var/log/fail2ban.log" };
  await startFail2ban(inNode([]), node.namespace, fail2ban);

  // Only a line this boot wrote (boot.log keeps the last 100).
  const logged = readBootLog();
  const bootLog = logged.length > loggedBefore || (logged.length === 100 && loggedBefore === 100) ? (logged.at(-1) ?? null) : null;
  const agent = join(nodeDirs(node.dir).varLibRampart, "agent", "rampart-node.sh");
  const status = existsSync(agent) ? (await runAsync("ip", inNode(["/bin/sh", "/var/lib/rampart/agent/rampart-node.sh", "status"]))).stdout : "";
  return { node: node.name, init, bootLog, status };
}

// ---------------------------------------------------------------------------------------------------------
// sshd faults
// ---------------------------------------------------------------------------------------------------------

/** Every sshd process in a namespace: the listener and the per-connection children. */
function sshdPidsIn(namespace: string): number[] {
  return run("ip", ["netns", "pids", namespace])
    .stdout.split("\n")
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0)
    .filter((pid) => {
      try {
        return /^sshd(-session|-auth)?$/.test(readFileSync(`/proc/${pid}/comm`, "utf8").trim());
      } catch {
        return false;
      }
    });
}

/**
 * Kills a node's sshd as a crash would: the listener and every open connection (SIGKILL), so the panel's
 * channels drop without an exit status. Commands the agent runs detached (the apply and its timer) go on.
 */
export async function killNodeSshd(name: string, dir = labDir()): Promise<void> {
  const node = readState(dir)?.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`no lab node called ${name}`);
  for (const pid of sshdPidsIn(node.namespace)) run("kill", ["-KILL", String(pid)]);
  await waitFor(`sshd in ${node.namespace} to die`, () => sshdPidsIn(node.namespace).length === 0, 10_000);
  rmSync(node.sshdPidFile, { force: true });
}

/** Starts a node's sshd again with the configuration and host key `up` gave it. */
export async function startNodeSshd(name: string, dir = labDir()): Promise<number> {
  const node = readState(dir)?.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`no lab node called ${name}`);
  const sshDir = dirname(node.sshdPidFile);
  const files = { config: join(sshDir, "sshd_config"), hostKey: join(sshDir, "ssh_host_ed25519_key"), pidFile: node.sshdPidFile, authorizedKeys: join(sshDir, "authorized_keys") };
  return startSshd(nodeExecArgv(node.namespace, node.dir, ["/usr/sbin/sshd", "-f", files.config]), files, node.address);
}
