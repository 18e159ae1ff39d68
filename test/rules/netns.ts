/**
 * Throw-away network namespaces for lib/rules' real-tool tests and the benches, and applyWithAgent: rendered
 * artefacts applied by the node agent itself. Test and bench tooling only: runs fixed argv as root.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { buildStagingFiles } from "@/lib/deploy/staging";
import { STAGING_DIR } from "@/lib/ssh/commands";
import { CHAINS } from "@/lib/rules/names";
import type { Manifest } from "@/lib/rules/render-manifest";

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], input?: string): RunResult {
  const result = spawnSync(command, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (result.error !== undefined) return { status: null, stdout: "", stderr: String(result.error) };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runOk(command: string, args: readonly string[], input?: string): string {
  const result = run(command, args, input);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/** Tests only: `RAMPART_REQUIRE_ALL=1` turns a skipped real-tool suite into a failure (README, scripts/test.mjs). */
export function isEverySuiteRequired(): boolean {
  return process.env.RAMPART_REQUIRE_ALL === "1";
}

/** Tools the real-tool suite and the benchmark need, by command name. */
export const REQUIRED_TOOLS = ["ip", "ipset", "iptables", "ip6tables", "iptables-restore", "ip6tables-restore", "fail2ban-client", "fail2ban-regex"];

/** What is missing on this machine to run real-tool checks: not root, or tools absent. Empty when ready. */
export function missingPrerequisites(tools: readonly string[] = REQUIRED_TOOLS): string[] {
  const missing: string[] = [];
  if (typeof process.getuid !== "function" || process.getuid() !== 0) missing.push("root (network namespaces)");
  for (const tool of tools) {
    if (run("sh", ["-c", 'command -v "$1" >/dev/null', "sh", tool]).status !== 0) missing.push(tool);
  }
  return missing;
}

export class Netns {
  private constructor(readonly name: string) {}

  /** `ip netns add rampart-test-<random>`. */
  static create(prefix = "rampart-test"): Netns {
    const name = `${prefix}-${randomBytes(4).toString("hex")}`;
    runOk("ip", ["netns", "add", name]);
    return new Netns(name);
  }

  exec(command: string, args: readonly string[], input?: string): RunResult {
    return run("ip", ["netns", "exec", this.name, command, ...args], input);
  }

  execOk(command: string, args: readonly string[], input?: string): string {
    return runOk("ip", ["netns", "exec", this.name, command, ...args], input);
  }

  destroy(): void {
    run("ip", ["netns", "del", this.name]);
  }
}

/** Names of all ipset sets in the namespace. */
export function listSets(ns: Netns): Set<string> {
  return new Set(ns.execOk("ipset", ["list", "-n"]).split("\n").filter(Boolean));
}

/** Entry count of a set, from the terse listing (never lists members). */
export function setEntries(ns: Netns, name: string): number {
  const match = /Number of entries: (\d+)/.exec(ns.execOk("ipset", ["list", "-t", name]));
  if (match === null) throw new Error(`no entry count for ${name}`);
  return Number(match[1]);
}

// The node agent's own apply procedure (lib/deploy/agent/rampart-node.sh), never a copy: the artefacts are laid
// out as a confirmed version (current/artefacts, as confirm keeps them) and the agent's boot-restore verb applies
// them (sets loaded under temporary names and swapped or renamed, Rampart's chains restored, the INPUT jump made
// first, stale sets destroyed, fail2ban's files installed). Private mounts: /var/lib/rampart and /etc/fail2ban
// are the caller's directories, /run is empty (no host fail2ban, no systemd), nothing leaks to the host.
const AGENT = join(process.cwd(), "lib", "deploy", "agent", "rampart-node.sh");
const AGENT_APPLY = `set -eu
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mkdir -p /var/lib/rampart
mount --bind "$1" /var/lib/rampart
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /etc/fail2ban
mount --bind "$2" /etc/fail2ban
exec /bin/sh "$3" boot-restore`;

export interface AgentNode {
  /** The node's /var/lib/rampart. */
  varLibRampart: string;
  /** The node's /etc/fail2ban. */
  etcFail2ban: string;
}

/** A node's private directories for applyWithAgent. */
export function agentNode(): AgentNode {
  const root = mkdtempSync(join(tmpdir(), "rampart-agent-node-"));
  const node = { varLibRampart: join(root, "var-lib-rampart"), etcFail2ban: join(root, "etc-fail2ban") };
  mkdirSync(node.varLibRampart, { recursive: true });
  mkdirSync(node.etcFail2ban, { recursive: true });
  return node;
}

/** A version `rampart render --out DIR` wrote: every artefact file under DIR, and its manifest. */
export function readRenderedDir(dir: string): { hash: string; files: Record<string, string>; manifest: Manifest } {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (path !== "manifest.json") files[path] = readFileSync(join(dir, path), "utf8");
    }
  };
  walk("");
  return { hash: manifest.version, files, manifest };
}

/** Applies a rendered version in the namespace with the node agent; throws with the agent's words if it failed. */
export function applyWithAgent(ns: Netns, node: AgentNode, rendered: { hash: string; files: Readonly<Record<string, string>>; manifest: Manifest }): void {
  const current = join(node.varLibRampart, "current");
  rmSync(current, { recursive: true, force: true });
  const files = buildStagingFiles({ version: rendered.hash, deploymentId: "00000000-0000-4000-8000-000000000000", timerSeconds: 60, files: rendered.files, manifest: rendered.manifest });
  for (const file of files) {
    const path = join(current, "artefacts", file.path.slice(`${STAGING_DIR}/`.length));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  writeFileSync(join(current, "version"), `${rendered.hash}\n`);
  const result = ns.exec("sh", ["-c", AGENT_APPLY, "sh", node.varLibRampart, node.etcFail2ban, AGENT]);
  const log = existsSync(join(node.varLibRampart, "boot.log")) ? readFileSync(join(node.varLibRampart, "boot.log"), "utf8").trim().split("\n").at(-1) ?? "" : "";
  if (result.status !== 0 || !/ boot-restore: restored [0-9a-f]{64}, digest /.test(log)) {
    throw new Error(`the agent did not apply version ${rendered.hash.slice(0, 12)}: ${log || result.stderr.trim() || `exit ${result.status}`}`);
  }
}

/** `iptables -S CHAIN` lines (without the -N line). */
export function chainRules(ns: Netns, family: 4 | 6, chain: string): string[] {
  return ns
    .execOk(family === 4 ? "iptables" : "ip6tables", ["-S", chain])
    .split("\n")
    .filter((line) => line.startsWith("-A "));
}

/** INPUT rules that jump to RAMPART-INPUT, with their 1-based positions. */
export function hookPositions(ns: Netns, family: 4 | 6): number[] {
  const rules = ns
    .execOk(family === 4 ? "iptables" : "ip6tables", ["-S", "INPUT"])
    .split("\n")
    .filter((line) => line.startsWith("-A INPUT"));
  return rules.flatMap((rule, i) => (rule === `-A INPUT -j ${CHAINS.input}` ? [i + 1] : []));
}
