import { createHash, randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";

import { GET as getSpend } from "@/app/api/v1/spend/route";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createApiToken } from "@/lib/db/queries/tokens";
import { disconnectDb, getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { utcPeriods } from "@/lib/pricing/budget";

// GET /api/v1/spend over HTTP against the real database: allowed calls seeded into call_records today, answered as
// exact decimal strings beside the limits; a tenant administrator's token sees its own tenant only; bad input a 422.

afterAll(async () => {
  await disconnectDb();
});

async function newTenant(daily: string, monthly: string | null) {
  const accountCode = `acct${randomUUID().slice(0, 8)}`;
  const tenant = await getDb().tenant.create({ data: { name: `spend-api-${randomUUID()}`, accountCode }, select: { id: true } });
  await getDb().tenantCallLimit.create({
    data: { tenantId: tenant.id, dailyLimit: new Prisma.Decimal(daily), monthlyLimit: monthly === null ? null : new Prisma.Decimal(monthly), currency: "EUR" },
  });
  return { id: tenant.id, accountCode };
}

async function insertAllowed(nodeId: string, accountCode: string, extension: string, cost: string): Promise<void> {
  // The start of today (UTC): today and this month whenever the test runs.
  const startedAt = utcPeriods(new Date()).dayStart;
  const uniqueId = `${startedAt.getTime() / 1000}.${randomUUID().slice(0, 8)}`;
  await getDb().callRecord.create({
    data: {
      nodeId,
      uniqueId,
      recordDigest: createHash("sha256").update(uniqueId).digest("hex"),
      accountCode,
      source: extension,
      destination: "4930123456",
      context: "from-internal",
      callerId: "",
      channel: `PJSIP/${extension}-00000001`,
      dstChannel: "",
      lastApp: "Dial",
      startedAt,
      endedAt: new Date(startedAt.getTime() + 60_000),
      durationSeconds: 60,
      billSeconds: 60,
      disposition: "ANSWERED",
      guardOutcome: "ALLOW",
      guardExtension: extension,
      cost: new Prisma.Decimal(cost),
      currency: "EUR",
    },
  });
}

async function token(role: Role, tenantId?: string): Promise<string> {
  return (await createApiToken(SYSTEM_ACTOR, { name: `spend-${randomUUID().slice(0, 8)}`, role, tenantId })).token;
}

const noParams = { params: Promise.resolve({}) };
const get = (query: string, bearer: string) =>
  getSpend(new NextRequest(`http://rampart.test/api/v1/spend${query}`, { headers: { authorization: `Bearer ${bearer}`, "x-rampart-client-ip": "203.0.113.9" } }), noParams);

type Body = { day: string; month: string; tenants: { tenantId: string; today: string; month: string; dailyLimit: string; dailyPercent: string; monthlyPercent: string | null; extensions: { extension: string; today: string }[] }[] };

describe("GET /api/v1/spend", () => {
  it("answers exact amounts and shares per tenant and extension, scoped for tenant administrators", async () => {
    const node = (await getDb().node.create({ data: { name: `it-spend-api-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true } })).id;
    const mine = await newTenant("2", null);
    const other = await newTenant("10", "100");
    await insertAllowed(node, mine.accountCode, "1001", "0.1");
    await insertAllowed(node, mine.accountCode, "1001", "0.2");
    await insertAllowed(node, mine.accountCode, "1002", "1.3333");
    await insertAllowed(node, other.accountCode, "1001", "9.99");

    const viewer = await get("", await token("VIEWER"));
    expect(viewer.status).toBe(200);
    const all = (await viewer.json()) as Body;
    expect(all.day).toBe(new Date().toISOString().slice(0, 10));
    const m = all.tenants.find((t) => t.tenantId === mine.id)!;
    expect(m).toMatchObject({ today: "1.6333", month: "1.6333", dailyLimit: "2", dailyPercent: "81.66", monthlyPercent: null });
    expect(m.extensions).toEqual([
      { extension: "1001", today: "0.3000", dailyLimit: null, dailyPercent: null, currency: "EUR" },
      { extension: "1002", today: "1.3333", dailyLimit: null, dailyPercent: null, currency: "EUR" },
    ]);
    expect(all.tenants.find((t) => t.tenantId === other.id)).toMatchObject({ today: "9.9900", dailyPercent: "99.90", monthlyPercent: "9.99" });

    const tenantAdmin = await token("TENANT_ADMIN", mine.id);
    const own = (await (await get("", tenantAdmin)).json()) as Body;
    expect(own.tenants.map((t) => t.tenantId)).toEqual([mine.id]);
    const probe = await get(`?tenantId=${other.id}`, tenantAdmin);
    expect(probe.status).toBe(404);
    expect(JSON.stringify(await probe.json())).not.toContain("9.99");

    const one = (await (await get(`?tenantId=${other.id.toUpperCase()}`, await token("OPERATOR"))).json()) as Body;
    expect(one.tenants.map((t) => t.tenantId)).toEqual([other.id]);
  });

  it("answers bad input with a 422 and unknown tokens with a 401", async () => {
    const viewer = await token("VIEWER");
    for (const [query, message] of [["?tenantId=abc", /tenantId must be a tenant id/], ["?tenant=1", /tenant/], ["?tenantId=a%00b", /U\+0000|tenantId/]] as const) {
      const response = await get(query, viewer);
      expect(response.status, query).toBe(422);
      expect((await response.json()).error, query).toMatch(message);
    }
    expect((await get("", "rmp_not-a-token")).status).toBe(401);
  });
});
