import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decideCall, type GuardDecision, type GuardInput } from "./decide";
import { renderGuardFile } from "./guard-file";
import { guardInputArbitrary } from "./testing";

// The node's implementation, run by dash (the strictest common /bin/sh), against the reference model.
const SCRIPT = fileURLToPath(new URL("./rampart-guard.sh", import.meta.url));
const hasDash = spawnSync("sh", ["-c", "command -v dash"]).status === 0;
const workDir = mkdtempSync(join(tmpdir(), "rampart-guard-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function expectedLine(decision: GuardDecision): string {
  if (decision.kind === "allow") return `allow ${decision.capSeconds} ${decision.reserved}`;
  return `${decision.kind} ${decision.reason}`;
}

/** Runs the script once per file in one dash process (a loop), and answers each run's line and exit status. */
function runGuard(files: string[]): { line: string; status: number }[] {
  const loop = 'script=$1; shift; for f in "$@"; do out=$(dash "$script" "$f"); printf "%s|%s\\n" "$out" "$?"; done';
  const output = execFileSync("dash", ["-c", loop, "loop", SCRIPT, ...files], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return output
    .trimEnd()
    .split("\n")
    .map((entry) => {
      const [line = "", status = ""] = entry.split("|");
      return { line, status: Number(status) };
    });
}

function writeCase(name: string, text: string): string {
  const path = join(workDir, name);
  writeFileSync(path, text);
  return path;
}

const VALID = renderGuardFile({
  now: 1_764_816_000,
  number: "+442071234567",
  rate: { prefix: "44", costPerMinute: "0.1", connectionFee: "0", firstIncrement: 60, nextIncrement: 60 },
  currency: "EUR",
  routeMaxCostPerMinute: null,
  extensionDaily: { limit: "1.05", spent: "0.5" },
  tenantDaily: null,
  tenantMonthly: null,
  callsInProgress: [{ isThisExtension: true, reserved: "0.1" }],
  recentStarts: [{ at: 1_764_815_700, number: "00442071234567" }],
  abuse: { enabled: true, maxCallsSameNumber: 5, windowSeconds: 300 },
});

describe.skipIf(!hasDash)("rampart-guard.sh", () => {
  it("reads the rendered file and answers as the model does", () => {
    expect(VALID).toContain("extension_daily=1.05 0.5\n");
    expect(runGuard([writeCase("valid", VALID)])).toEqual([{ line: "allow 240 0.40", status: 0 }]);
  });

  it("agrees exactly with decideCall on a few hundred random inputs (one dash loop)", () => {
    const inputs: GuardInput[] = fc.sample(guardInputArbitrary, { numRuns: 600, seed: 20261204 });
    const extra: GuardInput[] = fc.sample(guardInputArbitrary, 200);
    const all = [...inputs, ...extra];
    const files = all.map((input, index) => writeCase(`case-${index}`, renderGuardFile(input)));
    const results = runGuard(files);
    expect(results).toHaveLength(all.length);
    const kinds = new Set<string>();
    all.forEach((input, index) => {
      const decision = decideCall(input);
      kinds.add(decision.kind === "allow" ? "allow" : `${decision.kind} ${decision.reason}`);
      const result = results[index]!;
      const context = `case ${index}:\n${renderGuardFile(input)}`;
      expect(result.line, context).toBe(expectedLine(decision));
      expect(result.status, context).toBe(decision.kind === "allow" ? 0 : 1);
    });
    // The sample reaches every answer, so the agreement covers each branch of the script.
    expect([...kinds].sort()).toEqual(
      ["allow", "block abuse", "refuse extension-daily", "refuse route-cost", "refuse tenant-daily", "refuse tenant-monthly", "refuse unpriced"].sort(),
    );
  }, 30_000);

  it("agrees at the limits of its inputs, where 64-bit arithmetic would overflow if they were not bounded", () => {
    const largest = "9999999999.9999";
    const base = {
      now: 9_999_999_999,
      number: "+".padEnd(33, "9"),
      currency: "CLF",
      routeMaxCostPerMinute: largest,
      tenantDaily: null,
      tenantMonthly: null,
      recentStarts: [],
      abuse: { enabled: true, maxCallsSameNumber: 1000, windowSeconds: 86_400 },
      maxCallSeconds: 86_400,
    } satisfies Partial<GuardInput>;
    const rate = (costPerMinute: string, connectionFee: string, firstIncrement: number, nextIncrement: number) => ({
      prefix: "9",
      costPerMinute,
      connectionFee,
      firstIncrement,
      nextIncrement,
    });
    const whole = { limit: largest, spent: "0" };
    const cases: GuardInput[] = [
      { ...base, rate: rate(largest, largest, 3600, 3600), extensionDaily: whole, callsInProgress: [] },
      { ...base, rate: rate(largest, largest, 1, 3600), extensionDaily: null, callsInProgress: [] },
      { ...base, rate: rate("0.0001", "0", 1, 1), extensionDaily: whole, callsInProgress: [] },
      {
        ...base,
        rate: rate("1", "0", 1, 1),
        extensionDaily: { limit: largest, spent: largest },
        callsInProgress: Array.from({ length: 1000 }, () => ({ isThisExtension: true, reserved: largest })),
      },
      // Leading zeros are decimal, not octal (sh reads 010 as 8).
      { ...base, rate: rate("0.6", "0", 1, 1), extensionDaily: { limit: "0010.08", spent: "0009" }, callsInProgress: [] },
      // Exactly half a minor unit rounds up: 0.005 for a minute is 0.01, 0.5 JPY is 1 JPY.
      { ...base, rate: rate("0.005", "0", 60, 60), currency: "EUR", maxCallSeconds: 60, extensionDaily: null, callsInProgress: [] },
      { ...base, rate: rate("0.005", "0", 1, 1), currency: "EUR", extensionDaily: { limit: "0.01", spent: "0" }, callsInProgress: [] },
      { ...base, rate: rate("1", "0", 1, 1), currency: "JPY", maxCallSeconds: 30, extensionDaily: null, callsInProgress: [] },
      {
        ...base,
        currency: "JPY",
        rate: rate("0.0001", "0.0001", 3600, 1),
        extensionDaily: { limit: "0.0001", spent: "0" },
        callsInProgress: [],
      },
    ];
    const results = runGuard(cases.map((input, index) => writeCase(`limit-${index}`, renderGuardFile(input))));
    expect(results.map((r) => r.line)).toEqual(cases.map((input) => expectedLine(decideCall(input))));
  });

  it("refuses anything malformed, never allows on bad input", () => {
    const lines = VALID.split("\n").slice(0, -1);
    const replace = (index: number, line: string) => lines.map((l, i) => (i === index ? line : l)).join("\n") + "\n";
    const mutations: Record<string, string> = {
      empty: "",
      "no end": lines.slice(0, -1).join("\n") + "\n",
      "no final newline": VALID.slice(0, -1),
      "cut mid-line": VALID.slice(0, 40),
      "line after end": VALID + "call=this 1\n",
      "CRLF": VALID.replaceAll("\n", "\r\n"),
      "tab": replace(1, "now=1764816000\t"),
      "trailing space": replace(1, "now=1764816000 "),
      "double space": replace(5, "rate=0.1  0 60 60"),
      "wrong header": replace(0, "rampart-guard=2"),
      "unknown key": replace(6, "route_max=none"),
      "out of order": [lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n") + "\n",
      "duplicate key": [lines[0], lines[1], ...lines.slice(1)].join("\n") + "\n",
      "start before call": [...lines.slice(0, 11), lines[12], lines[11], ...lines.slice(13)].join("\n") + "\n",
      "blank line": replace(6, ""),
      "negative amount": replace(7, "extension_daily=-1 0"),
      "five decimals": replace(7, "extension_daily=1.00001 0"),
      "eleven digits": replace(7, "extension_daily=10000000000 0"),
      "trailing point": replace(7, "extension_daily=1. 0"),
      "leading point": replace(7, "extension_daily=.5 0"),
      "one budget field": replace(7, "extension_daily=1"),
      "three budget fields": replace(7, "extension_daily=1 0 0"),
      "a plus amount": replace(7, "extension_daily=+1 0"),
      "exponent": replace(7, "extension_daily=1e3 0"),
      "number with a space": replace(2, "number=+44 20"),
      "33-digit number": replace(2, `number=${"4".repeat(33)}`),
      "bare plus": replace(2, "number=+"),
      "minor digits 5": replace(3, "minor_unit_digits=5"),
      "max call 0": replace(4, "max_call_seconds=0"),
      "max call 86401": replace(4, "max_call_seconds=86401"),
      "increment 0": replace(5, "rate=0.1 0 0 60"),
      "increment 3601": replace(5, "rate=0.1 0 60 3601"),
      "rate with three fields": replace(5, "rate=0.1 0 60"),
      "window 9": replace(10, "abuse=5 9"),
      "abuse max 0": replace(10, "abuse=0 300"),
      "abuse on": replace(10, "abuse=on"),
      "call scope": replace(11, "call=mine 0.1"),
      "timestamp of 11 digits": replace(12, "start=17648157000 00442071234567"),
      "start without number": replace(12, "start=1764815700"),
      "now of 11 digits": replace(1, "now=17648160000"),
      "end=0": replace(lines.length - 1, "end=0"),
      "shell syntax": replace(2, "number=$(reboot)"),
      "upper case": replace(5, "RATE=none"),
      "equals in value": replace(6, "route_max_cost_per_minute=1=2"),
      "too long a line": replace(12, `start=1 ${"0".repeat(200)}`),
      "too many calls": [...lines.slice(0, 11), ...Array.from({ length: 1001 }, () => "call=other 0"), ...lines.slice(12)].join("\n") + "\n",
    };
    const names = Object.keys(mutations);
    const results = runGuard(names.map((name, index) => writeCase(`bad-${index}`, mutations[name]!)));
    expect(Object.fromEntries(names.map((name, index) => [name, results[index]!.line]))).toEqual(
      Object.fromEntries(names.map((name) => [name, "refuse malformed"])),
    );
    expect(results.every((r) => r.status === 1)).toBe(true);
  });

  it("takes exactly one argument, a readable regular file", () => {
    mkdirSync(join(workDir, "a-directory"), { recursive: true });
    const valid = writeCase("valid-again", VALID);
    for (const args of [[], [valid, valid], [join(workDir, "missing")], [join(workDir, "a-directory")]]) {
      const run = spawnSync("dash", [SCRIPT, ...args], { encoding: "utf8" });
      expect(run.stdout).toBe("refuse malformed\n");
      expect(run.status).toBe(1);
    }
  });

  it("runs unchanged under bash in POSIX mode", () => {
    const run = spawnSync("bash", ["--posix", SCRIPT, writeCase("valid-bash", VALID)], { encoding: "utf8" });
    expect(run.stdout).toBe("allow 240 0.40\n");
  });
});
