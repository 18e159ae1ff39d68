import { describe, expect, it } from "vitest";

import { blockAlertKey, budgetAlertKey, buildCallAlertDigest, findDueCallAlerts, listBudgets, type BlockAlert, type SpendForAlerts } from "./call-alerts";

const until = new Date("2026-12-04T14:05:09.000Z");

function spendOf(patch: Partial<SpendForAlerts["tenants"][number]> = {}): SpendForAlerts {
  return {
    day: "2026-12-04",
    month: "2026-12",
    tenants: [
      {
        tenantName: "Acme",
        accountCode: "acme",
        currency: "EUR",
        today: "0",
        month: "0",
        dailyLimit: "5",
        monthlyLimit: "100",
        extensions: [{ extension: "1001", today: "0", dailyLimit: "1", currency: "EUR" }],
        ...patch,
      },
    ],
  };
}

function block(id: string, minute: number, extra: Partial<BlockAlert> = {}): BlockAlert {
  return { id, accountCode: "acme", tenantName: "Acme", extension: "1001", number: "88213456789", node: "pbx-1", blockedAt: new Date(Date.UTC(2026, 11, 4, 14, minute, 0)), ...extra };
}

describe("listBudgets", () => {
  it("lists each tenant's day and month and each limited extension's day, with the period in its key", () => {
    const budgets = listBudgets(spendOf({ monthlyLimit: null, extensions: [{ extension: "1001", today: "0.5", dailyLimit: "1", currency: "EUR" }, { extension: "1002", today: "9", dailyLimit: null, currency: "EUR" }] }));
    expect(budgets.map((b) => [b.kind, b.extension, b.period, b.spent, b.limit])).toEqual([
      ["tenant-daily", null, "2026-12-04", "0", "5"],
      ["extension-daily", "1001", "2026-12-04", "0.5", "1"],
    ]);
    expect(budgetAlertKey(budgets[1]!, 80)).toBe("budget:extension-daily:2026-12-04:80:acme:1001");
    expect(budgetAlertKey(budgets[0]!, 100)).toBe("budget:tenant-daily:2026-12-04:100:acme:");
  });
});

describe("findDueCallAlerts", () => {
  it("alerts at 80 % and at 100 %, exactly, and each threshold once", () => {
    const below = listBudgets(spendOf({ today: "3.9999" }));
    expect(findDueCallAlerts(below, [], new Set()).keys).toEqual([]);

    const at80 = findDueCallAlerts(listBudgets(spendOf({ today: "4" })), [], new Set());
    expect(at80.budgets.map((b) => [b.kind, b.threshold, b.percent])).toEqual([["tenant-daily", 80, "80.00"]]);
    expect(at80.keys).toEqual(["budget:tenant-daily:2026-12-04:80:acme:"]);

    // Sent: the same spend again is no news; 100 % is.
    const sent = new Set(at80.keys);
    expect(findDueCallAlerts(listBudgets(spendOf({ today: "4.9999" })), [], sent).keys).toEqual([]);
    const at100 = findDueCallAlerts(listBudgets(spendOf({ today: "5" })), [], sent);
    expect(at100.budgets.map((b) => [b.threshold, b.percent])).toEqual([[100, "100.00"]]);
    expect(at100.keys).toEqual(["budget:tenant-daily:2026-12-04:100:acme:"]);
  });

  it("lists a budget that jumped past both thresholds once, at 100 %, and records both", () => {
    const due = findDueCallAlerts(listBudgets(spendOf({ extensions: [{ extension: "1001", today: "1.2", dailyLimit: "1", currency: "EUR" }] })), [], new Set());
    expect(due.budgets).toHaveLength(1);
    expect(due.budgets[0]).toMatchObject({ kind: "extension-daily", extension: "1001", threshold: 100, percent: "120.00" });
    expect(due.keys).toEqual(["budget:extension-daily:2026-12-04:80:acme:1001", "budget:extension-daily:2026-12-04:100:acme:1001"]);
  });

  it("alerts the same threshold again in a new day or month (a new key)", () => {
    const today = findDueCallAlerts(listBudgets(spendOf({ today: "4" })), [], new Set());
    const tomorrow = listBudgets({ ...spendOf({ today: "4" }), day: "2026-12-05" });
    expect(findDueCallAlerts(tomorrow, [], new Set(today.keys)).keys).toEqual(["budget:tenant-daily:2026-12-05:80:acme:"]);
  });

  it("alerts every block once", () => {
    const first = findDueCallAlerts([], [block("b1", 1), block("b2", 2)], new Set());
    expect(first.keys).toEqual([blockAlertKey("b1"), blockAlertKey("b2")]);
    expect(findDueCallAlerts([], [block("b1", 1), block("b2", 2), block("b3", 3)], new Set(first.keys)).blocks.map((b) => b.id)).toEqual(["b3"]);
  });

  it("keeps a limit of 0 quiet until something is spent against it", () => {
    expect(findDueCallAlerts(listBudgets(spendOf({ dailyLimit: "0" })), [], new Set()).keys).toEqual([]);
    const spent = findDueCallAlerts(listBudgets(spendOf({ dailyLimit: "0", today: "0.0001" })), [], new Set());
    expect(spent.budgets.map((b) => [b.threshold, b.percent])).toEqual([[100, null]]);
  });
});

describe("buildCallAlertDigest", () => {
  it("answers null when nothing is due (no mail)", () => {
    expect(buildCallAlertDigest({ budgets: [], blocks: [], until })).toBeNull();
  });

  it("names the one budget in the subject and gives the exact amounts", () => {
    const due = findDueCallAlerts(listBudgets(spendOf({ today: "4.1234" })), [], new Set());
    const digest = buildCallAlertDigest({ ...due, until, spendPageUrl: "https://rampart.example/spend" })!;
    expect(digest.subject).toBe("[Rampart] Acme reached 80 % of its daily limit");
    expect(digest.count).toBe(1);
    expect(digest.text).toContain("Rampart call alerts up to 2026-12-04 14:05:09 UTC.");
    expect(digest.text).toContain("   80 %  Acme (acme): tenant daily limit for 2026-12-04, spent €4.1234 of €5.00 (82.46 %)\n");
    expect(digest.text).toContain("Spend against every limit: https://rampart.example/spend");
    expect(digest.text).not.toContain("blocked for abuse");
  });

  it("names the one block in the subject", () => {
    const digest = buildCallAlertDigest({ budgets: [], blocks: [block("b1", 3)], until, blocksPageUrl: "https://rampart.example/call-limits/blocks" })!;
    expect(digest.subject).toBe("[Rampart] Extension 1001 blocked for abuse (Acme)");
    expect(digest.text).toContain("  2026-12-04 14:03:00 UTC  extension 1001 of Acme (acme), number 88213456789 on pbx-1\n");
    expect(digest.text).toContain("Review and lift blocks: https://rampart.example/call-limits/blocks");
  });

  it("digests budgets (100 % first) and blocks (oldest first) into one message, capped", () => {
    const budgets = findDueCallAlerts(
      listBudgets(spendOf({ today: "5", month: "80", extensions: [{ extension: "1001", today: "0.8", dailyLimit: "1", currency: "EUR" }] })),
      [],
      new Set(),
    ).budgets;
    const blocks = [block("b2", 9, { extension: "1002", tenantName: null, node: null }), block("b1", 2)];
    const digest = buildCallAlertDigest({ budgets, blocks, until, limit: 1 })!;
    expect(digest.subject).toBe("[Rampart] Call alerts: 3 budget alerts, 2 extension blocks");
    expect(digest.count).toBe(5);
    const lines = digest.text.split("\n");
    expect(lines.filter((l) => /^  ( 80|100) %/.test(l))).toEqual(["  100 %  Acme (acme): tenant daily limit for 2026-12-04, spent €5.00 of €5.00 (100.00 %)"]);
    expect(digest.text).toContain("  …and 2 more.");
    expect(lines.filter((l) => l.startsWith("  2026-"))).toEqual(["  2026-12-04 14:02:00 UTC  extension 1001 of Acme (acme), number 88213456789 on pbx-1"]);
    expect(digest.text).toContain("  …and 1 more.");

    const full = buildCallAlertDigest({ budgets, blocks, until })!;
    expect(full.text).toContain("   80 %  Acme (acme): tenant monthly limit for 2026-12, spent €80.00 of €100.00 (80.00 %)");
    expect(full.text).toContain("   80 %  Extension 1001 of Acme (acme): extension daily limit for 2026-12-04, spent €0.80 of €1.00 (80.00 %)");
    expect(full.text).toContain("  2026-12-04 14:09:00 UTC  extension 1002 of account acme, number 88213456789\n");
  });

  it("is deterministic and keeps names on one line", () => {
    const blocks = [block("b1", 1, { tenantName: "Evil\r\nBcc: x@example.test" }), block("b2", 1, { extension: "1000" })];
    const a = buildCallAlertDigest({ budgets: [], blocks, until })!;
    const b = buildCallAlertDigest({ budgets: [], blocks: [...blocks].reverse(), until })!;
    expect(a).toEqual(b);
    expect(a.subject).not.toMatch(/[\r\n]/);
    expect(a.text).not.toMatch(/^Bcc:/m);
    const single = buildCallAlertDigest({ budgets: [], blocks: [blocks[0]!], until })!;
    expect(single.subject).toBe("[Rampart] Extension 1001 blocked for abuse (Evil Bcc: x@example.test)");
  });
});
