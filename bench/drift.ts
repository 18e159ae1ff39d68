/**
 * The drift digest's cost on a node: the agent's own `digest` verb (Rampart's chains, INPUT up to the jump, the
 * owned sets' names, types and counts, and the sorted members of every set up to the agent's member limit) over
 * one owned set of 10,000, 100,000 and 1,000,000 entries, each beside its floors measured in the same namespace
 * and run: `ipset list -t` (counts only, what the digest costs without members) and `ipset save | sha256sum`
 * (the kernel tool dumping every member, unsorted), and what a member digest without the limit would cost
 * (`ipset save | sort | sha256sum`). Above the limit the agent counts members instead of listing them. Root only.
 */
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

import { missingPrerequisites, Netns } from "@/test/rules/netns";

const AGENT = fileURLToPath(new URL("../lib/deploy/agent/rampart-node.sh", import.meta.url));
const SIZES = [10_000, 100_000, 1_000_000];
const RUNS = 3;

/** Best-of-RUNS wall milliseconds of a shell command in the namespace (the machine is shared). */
function bestMs(ns: Netns, script: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const out = ns.execOk("bash", ["-c", `TIMEFORMAT="%R"; { time { ${script} ; } >/dev/null; } 2>&1`]);
    best = Math.min(best, Number(out.trim().split(/\s+/).at(-1)) * 1000);
  }
  return best;
}

/** `count` distinct /24 networks, as ipset restore lines of set NAME. */
function restoreOf(name: string, count: number): string {
  const lines = [`create ${name} hash:net family inet hashsize 65536 maxelem ${Math.max(65536, count * 2)}`];
  for (let i = 0; i < count; i++) lines.push(`add ${name} ${1 + ((i >> 16) % 223)}.${(i >> 8) & 255}.${i & 255}.0/24`);
  return `${lines.join("\n")}\n`;
}

export async function benchDrift(): Promise<void> {
  const missing = missingPrerequisites(["ipset", "iptables", "sha256sum"]);
  if (missing.length > 0 || process.getuid?.() !== 0) {
    console.log(`SKIPPED: needs root and ${missing.join(", ") || "nothing else"}`);
    return;
  }
  console.log(`# drift digest (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; best of ${RUNS})`);
  console.log("entries    agent digest   floor: ipset list -t   floor: ipset save | sha256sum   digest / save   sorted members, no limit");
  for (const size of SIZES) {
    const ns = Netns.create("rampart-bench-drift");
    try {
      ns.execOk("ipset", ["restore"], restoreOf("rampart-bl4-bench", size));
      const digest = bestMs(ns, `/bin/sh ${AGENT} digest`);
      const counts = bestMs(ns, "ipset list -t rampart-bl4-bench");
      const save = bestMs(ns, "ipset save rampart-bl4-bench | sha256sum");
      const sorted = bestMs(ns, "ipset save rampart-bl4-bench | grep '^add ' | LC_ALL=C sort | sha256sum");
      console.log(
        `${String(size).padStart(9)}  ${`${digest.toFixed(0)} ms`.padStart(13)}  ${`${counts.toFixed(0)} ms`.padStart(21)}  ${`${save.toFixed(0)} ms`.padStart(30)}  ${(digest / save).toFixed(2).padStart(13)}x  ${`${sorted.toFixed(0)} ms`.padStart(24)}`,
      );
    } finally {
      ns.destroy();
    }
  }
}
