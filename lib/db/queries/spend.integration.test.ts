import { createHash, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CallGuardOutcome } from "@/lib/generated/prisma/enums";

import { SYSTEM_ACTOR } from "./audit";
import { getSpendOverview, loadSpend } from "./spend";

// Spend against the real database: call records seeded as the collector stores them (guard outcome, extension,
// exact cost), summed exactly per tenant and extension, only ALLOW counted, split on the UTC day and month, and
// scoped to the caller's tenant.

afterAll(async () => {
  await disconnectDb();
});

const admin: Caller = { role: "ADMIN", tenantId: null, actor: SYSTEM_ACTOR };
const NOW = new Date("2026-03-15T12:00:00.000Z");

async function newNode(): Promise<string> {
  return (await getDb().node.create({ data: { name: `it-spend-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true } })).id;
}

async function newTenant(options: { accountCode?: string | null; daily?: string | null; monthly?: string | null; currency?: string } = {}) {
  const accountCode = options.accountCode === undefined ? `acct${randomUUID().slice(0, 8)}` : options.accountCode;
  const tenant = await getDb().tenant.create({ data: { name: `spend-${randomUUID()}`, accountCode }, select: { id: true, name: true } });
  if (options.daily !== undefined || options.monthly !== undefined) {
    await getDb().tenantCallLimit.create({
      data: {
        tenantId: tenant.id,
        dailyLimit: options.daily == null ? null : new Prisma.Decimal(options.daily),
        monthlyLimit: options.monthly == null ? null : new Prisma.Decimal(options.monthly),
        currency: options.currency ?? "EUR",
      },
    });
  }
  return { ...tenant, accountCode };
}

interface CallSeed {
  accountCode: string;
  extension: string;
  startedAt: string;
  cost: string | null;
  outcome?: CallGuardOutcome | null;
}

async function insertCalls(nodeId: string, seeds: CallSeed[]): Promise<void> {
  await getDb().callRecord.createMany({
    data: seeds.map((s) => {
      const uniqueId = `${Date.parse(s.startedAt) / 1000}.${randomUUID().slice(0, 8)}`;
      const startedAt = new Date(s.startedAt);
      return {
        nodeId,
        uniqueId,
        recordDigest: createHash("sha256").update(uniqueId).digest("hex"),
        accountCode: s.accountCode,
        source: s.extension,
        destination: "4930123456",
        context: "from-internal",
        callerId: "",
        channel: `PJSIP/${s.extension}-00000001`,
        dstChannel: "PJSIP/carrier-00000002",
        lastApp: "Dial",
        startedAt,
        answeredAt: startedAt,
        endedAt: new Date(startedAt.getTime() + 60_000),
        durationSeconds: 60,
        billSeconds: 60,
        disposition: "ANSWERED",
        guardOutcome: s.outcome === undefined ? "ALLOW" : s.outcome,
        guardExtension: s.extension,
        cost: s.cost === null ? null : new Prisma.Decimal(s.cost),
        currency: s.cost === null ? null : "EUR",
      };
    }),
  });
}

describe("loadSpend / getSpendOverview", () => {
  it("sums allowed calls exactly per tenant and extension, split on the UTC day and month", async () => {
    const node = await newNode();
    const tenant = await newTenant({ daily: "5", monthly: "0.3" });
    await getDb().extensionCallLimit.create({ data: { tenantId: tenant.id, extension: "1001", dailyLimit: new Prisma.Decimal("0.5"), currency: "EUR" } });
    await getDb().extensionCallLimit.create({ data: { tenantId: tenant.id, extension: "1003", dailyLimit: new Prisma.Decimal("2"), currency: "EUR" } });
    const code = tenant.accountCode!;
    await insertCalls(node, [
      // Today: 0.1 + 0.2 by 1001 (exactly 0.3), 0.0001 by 1002 (no limit).
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T00:00:00.000Z", cost: "0.1" },
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T11:59:59.000Z", cost: "0.2" },
      { accountCode: code, extension: "1002", startedAt: "2026-03-15T08:00:00.000Z", cost: "0.0001" },
      // Yesterday, one millisecond before midnight UTC: this month, not today.
      { accountCode: code, extension: "1001", startedAt: "2026-03-14T23:59:59.999Z", cost: "1.2345" },
      // Last month: not counted at all.
      { accountCode: code, extension: "1001", startedAt: "2026-02-28T23:59:59.999Z", cost: "100" },
      // Refused, blocked, undecided or unpriced calls cost nothing.
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T09:00:00.000Z", cost: "7", outcome: "REFUSE" },
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T09:00:01.000Z", cost: "7", outcome: "BLOCK" },
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T09:00:02.000Z", cost: "7", outcome: null },
      { accountCode: code, extension: "1001", startedAt: "2026-03-15T09:00:03.000Z", cost: null },
      // After now (today, later): today's spend as far as it is stored counts it.
      { accountCode: code, extension: "1003", startedAt: "2026-03-15T23:59:59.999Z", cost: "0.0099" },
      // Tomorrow: not today.
      { accountCode: code, extension: "1003", startedAt: "2026-03-16T00:00:00.000Z", cost: "50" },
    ]);
    // A second node's calls count into the same budget.
    await insertCalls(await newNode(), [{ accountCode: code, extension: "1001", startedAt: "2026-03-15T10:00:00.000Z", cost: "0.0004" }]);

    const spend = await loadSpend(NOW, tenant.id);
    expect(spend.day).toBe("2026-03-15");
    expect(spend.month).toBe("2026-03");
    expect(spend.tenants).toHaveLength(1);
    const t = spend.tenants[0]!;
    expect(t).toMatchObject({
      tenantId: tenant.id,
      accountCode: code,
      currency: "EUR",
      today: "0.3104",
      month: "1.5449",
      dailyLimit: "5",
      monthlyLimit: "0.3",
      dailyPercent: "6.20",
      monthlyPercent: "514.96",
    });
    expect(t.extensions).toEqual([
      { extension: "1001", today: "0.3004", dailyLimit: "0.5", dailyPercent: "60.08", currency: "EUR" },
      { extension: "1002", today: "0.0001", dailyLimit: null, dailyPercent: null, currency: "EUR" },
      { extension: "1003", today: "0.0099", dailyLimit: "2", dailyPercent: "0.49", currency: "EUR" },
    ]);
    expect(t.days).toHaveLength(15);
    expect(t.days[0]).toEqual({ day: "2026-03-01", amount: "0.0000" });
    expect(t.days[13]).toEqual({ day: "2026-03-14", amount: "1.2345" });
    expect(t.days[14]).toEqual({ day: "2026-03-15", amount: "0.3104" });
  });

  it("shows a tenant administrator only their own tenant, and nothing when it has no account code", async () => {
    const mine = await newTenant({ daily: "1" });
    const other = await newTenant({ daily: "1" });
    const noCode = await newTenant({ accountCode: null, daily: "1" });
    const node = await newNode();
    await insertCalls(node, [
      { accountCode: mine.accountCode!, extension: "200", startedAt: "2026-03-15T01:00:00.000Z", cost: "0.25" },
      { accountCode: other.accountCode!, extension: "200", startedAt: "2026-03-15T01:00:00.000Z", cost: "0.75" },
    ]);

    const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: mine.id, actor: SYSTEM_ACTOR };
    const own = await getSpendOverview(tenantAdmin, {}, NOW);
    expect(own.tenants.map((t) => [t.tenantId, t.today, t.dailyPercent])).toEqual([[mine.id, "0.2500", "25.00"]]);
    expect(own.tenantsWithoutAccountCode).toBe(0);
    await expect(getSpendOverview(tenantAdmin, { tenantId: other.id }, NOW)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const noCodeAdmin: Caller = { role: "TENANT_ADMIN", tenantId: noCode.id, actor: SYSTEM_ACTOR };
    const none = await getSpendOverview(noCodeAdmin, {}, NOW);
    expect(none.tenants).toEqual([]);
    expect(none.tenantsWithoutAccountCode).toBe(1);

    // Platform roles see every tenant with an account code.
    const all = await getSpendOverview({ ...admin, role: "VIEWER" }, {}, NOW);
    const ids = all.tenants.map((t) => t.tenantId);
    expect(ids).toEqual(expect.arrayContaining([mine.id, other.id]));
    expect(ids).not.toContain(noCode.id);
    expect(all.tenants.find((t) => t.tenantId === other.id)?.today).toBe("0.7500");
    expect(all.tenantsWithoutAccountCode).toBeGreaterThanOrEqual(1);
    const one = await getSpendOverview(admin, { tenantId: other.id }, NOW);
    expect(one.tenants.map((t) => t.tenantId)).toEqual([other.id]);
  });
});
