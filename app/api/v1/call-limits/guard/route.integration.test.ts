import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getGuard, PUT as putGuard } from "@/app/api/v1/call-limits/guard/route";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { setTenantCallLimit } from "@/lib/db/queries/call-limits";
import { createTenant } from "@/lib/db/queries/tenants";
import { createApiToken } from "@/lib/db/queries/tokens";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";

// GET/PUT /api/v1/call-limits/guard over HTTP against the real database: validation errors name every field,
// only ADMIN tokens write, what was saved persists and is audited, and the answer lists the limits nothing enforces.
// The settings are a singleton: put back as they were afterwards.

const admin = { role: "ADMIN" as const, tenantId: null, actor: SYSTEM_ACTOR };
let original: { enabled: boolean; offlineMode: "REFUSE_INTERNATIONAL" | "ALLOW_CAPPED"; maxCallSeconds: number; staleAfterSeconds: number };

beforeAll(async () => {
  const row = await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
  original = { enabled: row.enabled, offlineMode: row.offlineMode, maxCallSeconds: row.maxCallSeconds, staleAfterSeconds: row.staleAfterSeconds };
});

afterAll(async () => {
  await getDb().callGuardSettings.update({ where: { id: 1 }, data: original });
  await disconnectDb();
});

async function token(role: Role): Promise<string> {
  return (await createApiToken(SYSTEM_ACTOR, { name: `guard-${randomUUID().slice(0, 8)}`, role })).token;
}

function request(method: string, bearer: string, body?: unknown): NextRequest {
  return new NextRequest("http://rampart.test/api/v1/call-limits/guard", {
    method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", "x-rampart-client-ip": "203.0.113.9" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const noParams = { params: Promise.resolve({}) };
const get = (bearer: string) => getGuard(request("GET", bearer), noParams);
const put = (bearer: string, body: unknown) => putGuard(request("PUT", bearer, body), noParams);
type Status = { enabled: boolean; offlineMode: string; maxCallSeconds: number; staleAfterSeconds: number; updatedAt: string; unenforced: string[] };

describe("/api/v1/call-limits/guard", () => {
  it("saves every field for an ADMIN token, persists and audits it, and answers it on GET", async () => {
    const adminToken = await token("ADMIN");
    const settings = { enabled: true, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 3_600, staleAfterSeconds: 120 };
    const saved = await put(adminToken, settings);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject(settings);
    expect(await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject(settings);
    const [audit] = await getDb().auditLog.findMany({ where: { action: "call-guard.update" }, orderBy: { id: "desc" }, take: 1 });
    expect(audit).toMatchObject({ objectType: "call-guard-settings", objectId: "1", actorType: "TOKEN", after: settings });

    const viewer = await token("VIEWER");
    const read = await get(viewer);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ ...settings, unenforced: expect.any(Array) });

    const off = { ...settings, enabled: false, offlineMode: "REFUSE_INTERNATIONAL" };
    expect(await (await put(adminToken, off)).json()).toMatchObject(off);
    expect((await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).enabled).toBe(false);
  });

  it("refuses readers and operators with 403 and changes nothing", async () => {
    const before = await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
    const body = { enabled: !before.enabled, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 600, staleAfterSeconds: 60 };
    for (const role of ["VIEWER", "OPERATOR", "TENANT_ADMIN"] as const) {
      const bearer = role === "TENANT_ADMIN"
        ? (await createApiToken(SYSTEM_ACTOR, { name: `guard-${randomUUID().slice(0, 8)}`, role, tenantId: (await createTenant(admin, { name: `t-${randomUUID()}`, description: "", autoWhitelistRestrictions: false })).id })).token
        : await token(role);
      expect((await put(bearer, body)).status, role).toBe(403);
    }
    expect(await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before);
  });

  it("answers invalid settings with a message under each field, and malformed bodies with 400", async () => {
    const adminToken = await token("ADMIN");
    const before = await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } });
    const bad = await put(adminToken, { enabled: "yes", offlineMode: "ALLOW_ALL", maxCallSeconds: 59, staleAfterSeconds: 30.5 });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(body.fieldErrors).toEqual({
      enabled: ["Enabled must be true or false."],
      offlineMode: ["Offline behaviour must be REFUSE_INTERNATIONAL or ALLOW_CAPPED."],
      maxCallSeconds: ["Longest call: at least 60 s."],
      staleAfterSeconds: ["Panel unreachable after must be a whole number of seconds."],
    });
    expect(body.error).toBe("enabled: Enabled must be true or false.");

    const tooLong = (await (await put(adminToken, { enabled: true, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 86_401, staleAfterSeconds: 29 })).json()) as { fieldErrors: Record<string, string[]> };
    expect(tooLong.fieldErrors).toEqual({ maxCallSeconds: ["Longest call: at most 86400 s."], staleAfterSeconds: ["Panel unreachable after: at least 30 s."] });

    const partial = await put(adminToken, { enabled: true });
    expect(partial.status).toBe(422);
    expect(Object.keys(((await partial.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).sort()).toEqual(["maxCallSeconds", "offlineMode", "staleAfterSeconds"]);
    expect((await put(adminToken, { ...{ enabled: true, offlineMode: "ALLOW_CAPPED", maxCallSeconds: 60, staleAfterSeconds: 30 }, extra: 1 })).status).toBe(422);
    expect((await put(adminToken, "{not json")).status).toBe(400);
    expect(await getDb().callGuardSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before);
  });

  it("lists a tenant's limits as not enforced while the tenant has no account code", async () => {
    const tenant = await createTenant(admin, { name: `guard-${randomUUID()}`, description: "", autoWhitelistRestrictions: false });
    await setTenantCallLimit(admin, tenant.id, { dailyLimit: "10", monthlyLimit: null, currency: "EUR" });
    const line = `Tenant ${tenant.name}: its limits are not enforced, it has no account code.`;
    const viewer = await token("VIEWER");
    expect(((await (await get(viewer)).json()) as Status).unenforced).toContain(line);
    await getDb().tenant.update({ where: { id: tenant.id }, data: { accountCode: `g-${randomUUID().slice(0, 8)}` } });
    expect(((await (await get(viewer)).json()) as Status).unenforced).not.toContain(line);
  });
});
