/**
 * Throw-away network namespaces for lib/rules' real-tool tests and bench/rules.ts, and a reference
 * implementation of the apply contract (lib/rules/render-ipset.ts, render-iptables.ts) that lib/deploy can
 * compare itself with. Test and bench tooling only: runs fixed argv as root.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

import { ARTEFACT_PATHS, CHAINS } from "@/lib/rules/names";
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

/**
 * Applies rendered artefacts (written to `dir`) in a namespace exactly as the apply contract says: destroy
 * leftover temporary sets, restore, swap or rename each list set, bootstrap the INPUT jump if missing,
 * restore both rules files with --noflush, then destroy Rampart sets the manifest no longer lists.
 */
export function applyArtefacts(ns: Netns, dir: string, manifest: Manifest): void {
  for (const set of manifest.sets) if (set.tempName !== null) ns.exec("ipset", ["destroy", set.tempName]);
  ns.execOk("ipset", ["restore", "-file", join(dir, ARTEFACT_PATHS.ipset)]);
  const live = listSets(ns);
  for (const set of manifest.sets) {
    if (set.tempName === null) continue;
    if (live.has(set.name)) {
      ns.execOk("ipset", ["swap", set.tempName, set.name]);
      ns.execOk("ipset", ["destroy", set.tempName]);
    } else {
      ns.execOk("ipset", ["rename", set.tempName, set.name]);
    }
  }
  for (const [tool, file] of [["iptables", ARTEFACT_PATHS.iptables], ["ip6tables", ARTEFACT_PATHS.ip6tables]] as const) {
    if (ns.exec(tool, manifest.apply.bootstrap.check).status !== 0) {
      for (const argv of manifest.apply.bootstrap.run) {
        const result = ns.exec(tool, argv);
        if (result.status !== 0 && !/exists/i.test(result.stderr)) throw new Error(`${tool} ${argv.join(" ")}: ${result.stderr}`);
      }
    }
    ns.execOk(`${tool}-restore`, ["--noflush", join(dir, file)]);
  }
  const wanted = new Set(manifest.sets.map((set) => set.name));
  for (const name of listSets(ns)) {
    if (name.startsWith("rampart-") && !wanted.has(name)) ns.execOk("ipset", ["destroy", name]);
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
