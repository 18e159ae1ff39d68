import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { CallGuardPolicy } from "@/lib/validation/call-guard";

import { AGI_SCRIPT, runGuardAgi, runGuardAgiAsync } from "@/test/guard-agi";
import { renderGuardCluster, type GuardClusterState } from "@/lib/observe/guard-cluster";
import { parseGuardOutcome } from "./outcome";
import { renderGuard } from "./render";

// The call path script as Asterisk runs it (AGI protocol on stdin/stdout), by dash, on a scratch /var/lib/rampart:
// the real decision script, the real policy the panel renders, the real cluster file the collector uploads.
const hasDash = spawnSync("sh", ["-c", "command -v dash"]).status === 0;
const NOW = 1_796_400_000; // 2026-12-04T16:00:00Z

const POLICY: CallGuardPolicy = {
  enabled: true,
  offlineMode: "REFUSE_INTERNATIONAL",
  maxCallSeconds: 3600,
  staleAfterSeconds: 300,
  abuse: { enabled: true, maxCallsSameNumber: 2, windowSeconds: 300 },
  tenants: [
    { accountCode: "acme", currency: "EUR", dailyLimit: "1", monthlyLimit: "10" },
    { accountCode: "globex", currency: "EUR", dailyLimit: null, monthlyLimit: null },
  ],
  extensions: [{ accountCode: "acme", extension: "1001", currency: "EUR", dailyLimit: "0.5" }],
  routes: [
    {
      prefix: "00",
      currency: "EUR",
      maxCostPerMinute: "1",
      rates: [
        { prefix: "0044", costPerMinute: "0.1", connectionFee: "0", firstIncrement: 60, nextIncrement: 60 },
        { prefix: "00881", costPerMinute: "2", connectionFee: "0", firstIncrement: 60, nextIncrement: 60 },
      ],
    },
  ],
};

const EMPTY_CLUSTER: GuardClusterState = { now: new Date(NOW * 1000), extensionDay: [], tenantDay: [], tenantMonth: [], blocks: [], lifts: [] };

describe.skipIf(!hasDash)("rampart-guard-agi.sh", () => {
  let root = "";
  let call = 0;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "rampart-guard-agi-"));
    writePolicy(POLICY);
    writeCluster(EMPTY_CLUSTER);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function writePolicy(policy: CallGuardPolicy) {
    mkdirSync(join(root, "guard"), { recursive: true });
    writeFileSync(join(root, "guard", "policy"), renderGuard(policy).files["guard/policy"]!);
  }
  function writeCluster(state: GuardClusterState) {
    writeFileSync(join(root, "guard-cluster"), renderGuardCluster(state));
  }
  const decide = (accountCode: string, extension: string, number: string, at = NOW): Record<string, string> & { uniqueId: string } => {
    const uniqueId = `node1-${at}.${++call}`;
    const run = runGuardAgi(root, at, { args: ["decide", number, extension], accountCode, uniqueId });
    expect(run.status, run.stderr).toBe(0);
    return { ...run.variables, uniqueId };
  };
  const end = (uniqueId: string, billSeconds: number, at = NOW) => runGuardAgi(root, at, { args: ["end", String(billSeconds)], accountCode: "acme", uniqueId });

  it("allows a priced call with the cap of the smallest remaining budget and records it in the CDR userfield", () => {
    const d = decide("acme", "1001", "00442079460000");
    expect(d).toMatchObject({ RAMPART_GUARD_RESULT: "allow", RAMPART_GUARD_CAP: "300" });
    expect(parseGuardOutcome(d["CDR(userfield)"]!)).toMatchObject({ outcome: "ALLOW", accountCode: "acme", extension: "1001", number: "00442079460000", capSeconds: 300, reserved: "0.50" });
    expect(existsSync(join(root, "guard-state", "calls", d.uniqueId))).toBe(true);
  });

  it("counts a call in progress against the budget, and an ended call by its billed cost, exactly", () => {
    const first = decide("acme", "1001", "00442079460000");
    expect(first.RAMPART_GUARD_RESULT).toBe("allow");
    // The whole 0.50 is reserved by the call in progress: a parallel call is refused, not allowed to overshoot.
    expect(decide("acme", "1001", "00442079460001")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "extension-daily" });
    // It ends after 125 s: 3 × 60 s billed at 0.10 = 0.30 spent; its reservation is gone.
    expect(end(first.uniqueId, 125).status).toBe(0);
    expect(readFileSync(join(root, "guard-state", "spend", "d20261204", "acme.1001"), "utf8").trim()).toBe("3000");
    expect(readFileSync(join(root, "guard-state", "spend", "m202612", "acme"), "utf8").trim()).toBe("3000");
    expect(existsSync(join(root, "guard-state", "calls", first.uniqueId))).toBe(false);
    const next = decide("acme", "1001", "00442079460000");
    expect(next).toMatchObject({ RAMPART_GUARD_RESULT: "allow", RAMPART_GUARD_CAP: "120" });
    // Another extension of the tenant has the tenant's 1.00 less 0.30 spent and 0.20 reserved.
    expect(decide("acme", "1002", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "allow", RAMPART_GUARD_CAP: "300" });
  });

  it("counts spend by the UTC day and month of the call's start, from Asterisk's EPOCH (leap days and new years included)", () => {
    // Far from the cluster file's time: the panel counts as unreachable, and the calls are decided locally.
    writePolicy({ ...POLICY, offlineMode: "ALLOW_CAPPED" });
    for (const [iso, dayKey, monthKey] of [
      ["2024-02-29T23:59:59Z", "d20240229", "m202402"],
      ["2027-01-01T00:00:00Z", "d20270101", "m202701"],
      ["2026-12-31T12:00:00Z", "d20261231", "m202612"],
    ] as const) {
      const at = Date.parse(iso) / 1000;
      const uniqueId = `node1-${at}.1`;
      // Asterisk's ${EPOCH} as decide's third argument: no clock of the test.
      const run = runGuardAgi(root, null, { args: ["decide", "00442079460000", "2001", String(at)], accountCode: "globex", uniqueId });
      expect(run.variables.RAMPART_GUARD_RESULT).toBe("allow");
      expect(end(uniqueId, 61, at).status).toBe(0);
      // 61 s billed as two started minutes at 0.10.
      expect(readFileSync(join(root, "guard-state", "spend", dayKey, "globex.2001"), "utf8").trim()).toBe("2000");
      expect(readFileSync(join(root, "guard-state", "spend", monthKey, "globex"), "utf8").trim()).not.toBe("");
    }
  });

  it("keeps a burst of parallel calls within the budget: each sees the others' reservations (overshoot 0 on one node)", async () => {
    // acme/1001: 0.50 a day; 0044 at 0.10 a started minute. Twenty calls decided at once.
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => runGuardAgiAsync(root, NOW, { args: ["decide", `0044207946${String(1000 + i)}`, "1001"], accountCode: "acme", uniqueId: `node1-burst.${i}` })),
    );
    const allowed = decisions.flatMap((d, i) => (d.variables.RAMPART_GUARD_RESULT === "allow" ? [{ i, cap: Number(d.variables.RAMPART_GUARD_CAP) }] : []));
    const reservedCents = decisions.reduce((sum, d) => sum + (d.variables.RAMPART_GUARD_RESULT === "allow" ? Number(d.variables["CDR(userfield)"]!.split(" ").at(-1)!.replace(".", "")) : 0), 0);
    expect(reservedCents).toBe(50);
    expect(decisions.filter((d) => d.variables.RAMPART_GUARD_REASON === "extension-daily").length).toBe(20 - allowed.length);
    // Every allowed call runs to its cap: together they cost exactly the budget, never more.
    await Promise.all(allowed.map(({ i, cap }) => runGuardAgiAsync(root, NOW, { args: ["end", String(cap)], accountCode: "acme", uniqueId: `node1-burst.${i}` })));
    expect(readFileSync(join(root, "guard-state", "spend", "d20261204", "acme.1001"), "utf8").trim()).toBe("5000");
    expect(decide("acme", "1001", "00442079469999")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "extension-daily" });
  });

  it("counts the other nodes' spend the panel sent, and refuses once a budget cannot pay the first increment", () => {
    writeCluster({ ...EMPTY_CLUSTER, tenantDay: [{ accountCode: "acme", amount: "0.9500" }], tenantMonth: [{ accountCode: "acme", amount: "0.9500" }] });
    expect(decide("acme", "1002", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "tenant-daily" });
    writeCluster({ ...EMPTY_CLUSTER, tenantMonth: [{ accountCode: "acme", amount: "9.95" }] });
    expect(decide("acme", "1002", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "tenant-monthly" });
    // Yesterday's spend of the other nodes is not today's.
    writeCluster({ ...EMPTY_CLUSTER, now: new Date((NOW - 86_400) * 1000), tenantDay: [{ accountCode: "acme", amount: "0.95" }] });
    const stale = decide("acme", "1002", "00442079460000");
    expect(stale).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "offline" });
  });

  it("refuses a destination above the route's cost limit, an unpriced number and an unknown account, with their reasons", () => {
    expect(decide("acme", "1002", "008816123456")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "route-cost" });
    expect(decide("acme", "1002", "0099123456")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "unpriced" });
    expect(decide("acme", "1002", "0612345678")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "unpriced" });
    const unknown = decide("initech", "3001", "00442079460000");
    expect(unknown).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "unknown-account" });
    expect(parseGuardOutcome(unknown["CDR(userfield)"]!)).toMatchObject({ outcome: "REFUSE", reason: "unknown-account", accountCode: "initech" });
  });

  it("blocks an extension at the N+1-th call to one international number within the window, until a lift newer than the block", () => {
    expect(decide("globex", "2001", "00442079460000", NOW).RAMPART_GUARD_RESULT).toBe("allow");
    expect(decide("globex", "2001", "00442079460000", NOW + 10).RAMPART_GUARD_RESULT).toBe("allow");
    const third = decide("globex", "2001", "00442079460000", NOW + 20);
    expect(third).toMatchObject({ RAMPART_GUARD_RESULT: "block", RAMPART_GUARD_REASON: "abuse" });
    expect(parseGuardOutcome(third["CDR(userfield)"]!)).toMatchObject({ outcome: "BLOCK", reason: "abuse", extension: "2001" });
    // Blocked for every number, and not only for the window.
    expect(decide("globex", "2001", "00442079469999", NOW + 400)).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "blocked" });
    // A lift older than the block does not lift it; a newer one does.
    writeCluster({ ...EMPTY_CLUSTER, now: new Date((NOW + 400) * 1000), lifts: [{ accountCode: "globex", extension: "2001", at: new Date((NOW + 5) * 1000) }] });
    expect(decide("globex", "2001", "00442079469999", NOW + 400).RAMPART_GUARD_REASON).toBe("blocked");
    writeCluster({ ...EMPTY_CLUSTER, now: new Date((NOW + 400) * 1000), lifts: [{ accountCode: "globex", extension: "2001", at: new Date((NOW + 300) * 1000) }] });
    expect(decide("globex", "2001", "00442079469999", NOW + 400).RAMPART_GUARD_RESULT).toBe("allow");
    // Another node's block is enforced here too.
    writeCluster({ ...EMPTY_CLUSTER, now: new Date((NOW + 400) * 1000), blocks: [{ accountCode: "globex", extension: "2002", at: new Date(NOW * 1000) }] });
    expect(decide("globex", "2002", "00442079460000", NOW + 400).RAMPART_GUARD_REASON).toBe("blocked");
  });

  it("with the panel unreachable, refuses international calls or decides from local spend, as the administrator chose", () => {
    rmSync(join(root, "guard-cluster"));
    expect(decide("acme", "1002", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "offline" });
    writePolicy({ ...POLICY, offlineMode: "ALLOW_CAPPED" });
    expect(decide("acme", "1001", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "allow", RAMPART_GUARD_CAP: "300" });
  });

  it("keeps the last good cluster file when the current one is cut short", () => {
    writeCluster({ ...EMPTY_CLUSTER, tenantDay: [{ accountCode: "acme", amount: "0.95" }] });
    expect(decide("acme", "1002", "00442079460000").RAMPART_GUARD_REASON).toBe("tenant-daily");
    writeFileSync(join(root, "guard-cluster"), "rampart-guard-cluster=1\nat=1");
    expect(decide("acme", "1002", "00442079460000").RAMPART_GUARD_REASON).toBe("tenant-daily");
  });

  it("allows every call uncapped when the guard is off, and refuses every call when it has no readable policy", () => {
    writePolicy({ ...POLICY, enabled: false });
    expect(decide("acme", "1001", "008816123456")).toMatchObject({ RAMPART_GUARD_RESULT: "allow", RAMPART_GUARD_CAP: "0" });
    writeFileSync(join(root, "guard", "policy"), "rampart-guard-policy=1\nversion=x\n");
    expect(decide("acme", "1001", "00442079460000")).toMatchObject({ RAMPART_GUARD_RESULT: "refuse", RAMPART_GUARD_REASON: "malformed" });
  });

  it("refuses a number or endpoint that is not the guard's words", () => {
    expect(decide("acme", "1001", "0044;rm").RAMPART_GUARD_REASON).toBe("malformed");
    expect(decide("acme", "10 01", "00442079460000").RAMPART_GUARD_REASON).toBe("malformed");
  });

  it("--check accepts the rendered policy and names the first bad line of a damaged one", () => {
    const policy = join(root, "guard", "policy");
    const check = () => spawnSync("dash", [AGI_SCRIPT, "--check", policy], { encoding: "utf8" });
    expect(check().status).toBe(0);
    const text = readFileSync(policy, "utf8");
    writeFileSync(policy, text.replace("route=00 EUR 2 1\n", "route=00 EUR 2 1;reboot\n"));
    expect(check()).toMatchObject({ status: 1, stderr: expect.stringMatching(/line \d+: bad route line/) });
    writeFileSync(policy, text.replace("end=1\n", ""));
    expect(check()).toMatchObject({ status: 1, stderr: expect.stringMatching(/cut short/) });
  });
});
