// `npm run bench -- guard` — the call guard's decision latency per call: the node's real call path
// (lib/guard/rampart-guard-agi.sh, run by dash as Asterisk runs an AGI, with the agi_* environment on stdin), on a
// policy of 1,000 tenants, 10,000 extension limits and a 50,000-rate route, with 20 calls of the tenant in progress:
//  - with the panel reachable (a fresh cluster file holding the other nodes' spend of every tenant) and not (no
//    cluster file: the node decides from the last pushed limits and its own spend);
//  - each beside its floors measured the same way in the same run: starting dash with nothing to do (the process
//    any AGI costs), and an AGI that answers "allow" without reading anything (no rules at all).
// Every decision is followed by the hangup step of the call it allowed (also timed), so state stays realistic.
// Prints p50/p95/max in milliseconds. Needs dash; says so and skips otherwise.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { renderGuard } from "@/lib/guard/render";
import { renderGuardCluster } from "@/lib/observe/guard-cluster";
import type { CallGuardPolicy } from "@/lib/validation/call-guard";

import { AGI_SCRIPT } from "../test/guard-agi";

const RUNS = 200;
const RATES = 50_000;
const TENANTS = 1_000;
const EXTENSIONS = 10_000;
const IN_PROGRESS = 20;

function policy(offline: CallGuardPolicy["offlineMode"]): CallGuardPolicy {
  return {
    enabled: true,
    offlineMode: offline,
    maxCallSeconds: 14_400,
    staleAfterSeconds: 300,
    abuse: { enabled: true, maxCallsSameNumber: 1_000, windowSeconds: 300 },
    tenants: Array.from({ length: TENANTS }, (_, i) => ({ accountCode: `t${i}`, currency: "EUR", dailyLimit: "1000", monthlyLimit: "10000" })),
    extensions: Array.from({ length: EXTENSIONS }, (_, i) => ({ accountCode: `t${i % TENANTS}`, extension: String(1000 + Math.floor(i / TENANTS)), currency: "EUR", dailyLimit: "500" })),
    routes: [
      {
        prefix: "00",
        currency: "EUR",
        maxCostPerMinute: "5",
        rates: Array.from({ length: RATES }, (_, i) => ({ prefix: `00${String(10_000 + i)}`, costPerMinute: "0.0125", connectionFee: "0", firstIncrement: 30, nextIncrement: 6 })),
      },
    ],
  };
}

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(1).padStart(6)} ms   p95 ${at(0.95).toFixed(1).padStart(6)} ms   max ${sorted[sorted.length - 1]!.toFixed(1).padStart(6)} ms`;
};

function timed(argv: string[], input: string, env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), { input, encoding: "utf8", env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const request = (uniqueId: string, args: string[]) =>
  [`agi_uniqueid: ${uniqueId}`, "agi_accountcode: t7", ...args.map((a, i) => `agi_arg_${i + 1}: ${a}`), "", "200 result=1", "200 result=1", "200 result=1", "200 result=1", ""].join("\n");

export async function benchGuard(): Promise<void> {
  if (spawnSync("sh", ["-c", "command -v dash"]).status !== 0) {
    console.log("skipped: dash is not installed");
    return;
  }
  const root = mkdtempSync(join(tmpdir(), "rampart-bench-guard-"));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", RAMPART_GUARD_ROOT: root } as unknown as NodeJS.ProcessEnv;
  try {
    mkdirSync(join(root, "guard"), { recursive: true });
    const bareAgi = join(root, "bare-agi.sh");
    writeFileSync(bareAgi, '#!/bin/sh\nwhile IFS= read -r l && [ -n "$l" ]; do :; done\nprintf \'SET VARIABLE RAMPART_GUARD_RESULT "allow"\\n\'\nread -r a\n');
    const floorProcess: number[] = [];
    const floorBare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      floorProcess.push(timed(["dash", "-c", ":"], "", env).ms);
      floorBare.push(timed(["dash", bareAgi], request(`b-${i}`, ["decide", "0010005123456", "1003"]), env).ms);
    }
    const policyText = renderGuard(policy("ALLOW_CAPPED")).files["guard/policy"]!;
    console.log(`policy: ${TENANTS.toLocaleString("en-US")} tenants, ${EXTENSIONS.toLocaleString("en-US")} extension limits, ${RATES.toLocaleString("en-US")} rates (${(policyText.length / 1048576).toFixed(1)} MiB); ${IN_PROGRESS} calls in progress; ${RUNS} decisions each`);
    console.log(`floor  dash starting, nothing to do        ${stats(floorProcess)}`);
    console.log(`floor  an AGI answering allow, no rules    ${stats(floorBare)}`);

    for (const reachable of [true, false]) {
      rmSync(join(root, "guard-state"), { recursive: true, force: true });
      writeFileSync(join(root, "guard", "policy"), policyText);
      const now = new Date();
      if (reachable) {
        const spend = Array.from({ length: TENANTS }, (_, i) => ({ accountCode: `t${i}`, amount: "12.3400" }));
        writeFileSync(join(root, "guard-cluster"), renderGuardCluster({ now, extensionDay: [], tenantDay: spend, tenantMonth: spend, blocks: [], lifts: [] }));
      } else {
        rmSync(join(root, "guard-cluster"), { force: true });
      }
      // Calls in progress of the same tenant, never ended during the run.
      for (let i = 0; i < IN_PROGRESS; i++) timed(["dash", AGI_SCRIPT], request(`busy-${i}`, ["decide", `00${10_000 + i}1234567`, String(1000 + (i % 10))]), env);
      const decide: number[] = [];
      const end: number[] = [];
      let allowed = 0;
      for (let i = 0; i < RUNS; i++) {
        const number = `00${10_000 + ((i * 7919) % RATES)}${String(100_000 + i)}`;
        const d = timed(["dash", AGI_SCRIPT], request(`c-${i}`, ["decide", number, "1003"]), env);
        decide.push(d.ms);
        if (d.stdout.includes('RAMPART_GUARD_RESULT "allow"')) allowed++;
        end.push(timed(["dash", AGI_SCRIPT], request(`c-${i}`, ["end", String(30 + (i % 600))]), env).ms);
      }
      const label = reachable ? "panel reachable  " : "panel unreachable";
      console.log(`guard  decide, ${label}               ${stats(decide)}   (${allowed}/${RUNS} allowed)`);
      console.log(`guard  hangup step, ${label}          ${stats(end)}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
