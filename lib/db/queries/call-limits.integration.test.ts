import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import {
  abuseDetectionSchema,
  extensionLimitCreateSchema,
  routeCostLimitCreateSchema,
  tenantCallLimitSchema,
} from "@/lib/validation/call-limits";
import { decodeCursor } from "@/lib/validation/tenant";
import {
  createExtensionLimit,
  createRouteCostLimit,
  deleteExtensionLimit,
  deleteRouteCostLimit,
  deleteTenantCallLimit,
  getAbuseDetection,
  getExtensionLimit,
  getTenantCallLimit,
  listExtensionLimits,
  listRouteCostLimits,
  listTenantLimitOverview,
  setAbuseDetection,
  setTenantCallLimit,
  updateExtensionLimit,
  updateRouteCostLimit,
} from "./call-limits";
import { createTenant } from "./tenants";
import { expectAppError } from "@/test/app-error";

const caller = (role: Role, tenantId: string | null = null): Caller => ({
  role,
  tenantId,
  actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}@test`, ip: null },
});
const admin = caller("ADMIN");
const operator = caller("OPERATOR");
const viewer = caller("VIEWER");

async function newTenant() {
  return createTenant(admin, { name: `tenant-${randomUUID()}`, description: "", autoWhitelistRestrictions: false });
}

const uniquePrefix = () => `00${Math.floor(Math.random() * 1e12)}`.slice(0, 15);

describe("tenant call limits", () => {
  it("stores exact decimals (no float rounding) and audits before and after", async () => {
    const tenant = await newTenant();
    expect(await getTenantCallLimit(admin, tenant.id)).toBeNull();
    const first = await setTenantCallLimit(operator, tenant.id, tenantCallLimitSchema.parse({ dailyLimit: "0.1", monthlyLimit: "0.3", currency: "eur" }));
    expect(first).toMatchObject({ dailyLimit: "0.1", monthlyLimit: "0.3", currency: "EUR" });
    const second = await setTenantCallLimit(operator, tenant.id, tenantCallLimitSchema.parse({ dailyLimit: "9999999999.9999", monthlyLimit: "", currency: "USD" }));
    expect(second).toMatchObject({ dailyLimit: "9999999999.9999", monthlyLimit: null, currency: "USD" });
    const [raw] = await getDb().$queryRaw<{ daily: string }[]>`SELECT daily_limit::text AS daily FROM tenant_call_limits WHERE tenant_id = ${tenant.id}::uuid`;
    expect(raw?.daily).toBe("9999999999.9999");
    const audits = await getDb().auditLog.findMany({ where: { objectType: "tenant-call-limit", objectId: tenant.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, a.before, a.after])).toEqual([
      ["tenant-call-limit.set", null, { dailyLimit: "0.1", monthlyLimit: "0.3", currency: "EUR" }],
      [
        "tenant-call-limit.set",
        { dailyLimit: "0.1", monthlyLimit: "0.3", currency: "EUR" },
        { dailyLimit: "9999999999.9999", monthlyLimit: null, currency: "USD" },
      ],
    ]);
    await deleteTenantCallLimit(admin, tenant.id);
    expect(await getTenantCallLimit(admin, tenant.id)).toBeNull();
    await expectAppError(deleteTenantCallLimit(admin, tenant.id), "NOT_FOUND");
  });

  it("needs policy:write to change limits; tenant administrators read their own only", async () => {
    const mine = await newTenant();
    const other = await newTenant();
    await setTenantCallLimit(admin, other.id, { dailyLimit: "1", monthlyLimit: null, currency: "EUR" });
    const tenantAdmin = caller("TENANT_ADMIN", mine.id);
    await expectAppError(setTenantCallLimit(viewer, mine.id, { dailyLimit: "1", monthlyLimit: null, currency: "EUR" }), "FORBIDDEN");
    await expectAppError(setTenantCallLimit(tenantAdmin, mine.id, { dailyLimit: "1", monthlyLimit: null, currency: "EUR" }), "FORBIDDEN");
    expect(await getTenantCallLimit(tenantAdmin, mine.id)).toBeNull();
    await expectAppError(getTenantCallLimit(tenantAdmin, other.id), "NOT_FOUND");
    await expectAppError(getTenantCallLimit(admin, randomUUID()), "NOT_FOUND");
    await expectAppError(setTenantCallLimit(admin, randomUUID(), { dailyLimit: "1", monthlyLimit: null, currency: "EUR" }), "NOT_FOUND");
    const overview = await listTenantLimitOverview(tenantAdmin, { limit: 50 });
    expect(overview.items.map((i) => i.tenantId)).toEqual([mine.id]);
  });

  it("lists every tenant with its limits in the overview", async () => {
    const tenant = await newTenant();
    await setTenantCallLimit(admin, tenant.id, { dailyLimit: "12.5", monthlyLimit: "300", currency: "GBP" });
    await createExtensionLimit(admin, tenant.id, { extension: "100", dailyLimit: "1", currency: "GBP" });
    let cursor: string | undefined;
    let found;
    for (let i = 0; i < 10_000 && !found; i++) {
      const page = await listTenantLimitOverview(admin, { limit: 100, cursor });
      found = page.items.find((item) => item.tenantId === tenant.id);
      if (!page.nextCursor) break;
      cursor = decodeCursor(page.nextCursor) ?? undefined;
    }
    expect(found).toMatchObject({ tenantName: tenant.name, extensionLimitCount: 1, limit: { dailyLimit: "12.5", monthlyLimit: "300", currency: "GBP" } });
  });
});

describe("extension limits", () => {
  it("creates, updates and deletes with audit records, refusing a duplicate extension per tenant", async () => {
    const tenant = await newTenant();
    const otherTenant = await newTenant();
    const created = await createExtensionLimit(operator, tenant.id, extensionLimitCreateSchema.parse({ extension: " 101 ", dailyLimit: "25.50", currency: "EUR" }));
    expect(created).toMatchObject({ tenantId: tenant.id, extension: "101", dailyLimit: "25.5", currency: "EUR" });
    const conflict = await expectAppError(
      createExtensionLimit(operator, tenant.id, { extension: "101", dailyLimit: "1", currency: "EUR" }),
      "CONFLICT",
      /Extension 101 already has a daily limit/,
    );
    expect(conflict.fieldErrors?.extension).toHaveLength(1);
    // The same extension in another tenant is a different phone.
    await createExtensionLimit(operator, otherTenant.id, { extension: "101", dailyLimit: "1", currency: "EUR" });

    await createExtensionLimit(operator, tenant.id, { extension: "102", dailyLimit: "3", currency: "EUR" });
    await expectAppError(updateExtensionLimit(operator, created.id, { extension: "102" }), "CONFLICT");
    const updated = await updateExtensionLimit(operator, created.id, { dailyLimit: "30", currency: "CHF" });
    expect(updated).toMatchObject({ extension: "101", dailyLimit: "30", currency: "CHF" });
    expect(await getExtensionLimit(viewer, created.id)).toMatchObject({ dailyLimit: "30" });

    await deleteExtensionLimit(admin, created.id);
    await expectAppError(getExtensionLimit(admin, created.id), "NOT_FOUND");
    const audits = await getDb().auditLog.findMany({ where: { objectId: created.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["extension-call-limit.create", "extension-call-limit.update", "extension-call-limit.delete"]);
    expect(audits[1]?.before).toMatchObject({ dailyLimit: "25.5", currency: "EUR" });
    expect(audits[1]?.after).toMatchObject({ dailyLimit: "30", currency: "CHF" });
  });

  it("pages in extension order", async () => {
    const tenant = await newTenant();
    for (const extension of ["300", "100", "200", "400"]) await createExtensionLimit(admin, tenant.id, { extension, dailyLimit: "1", currency: "EUR" });
    const first = await listExtensionLimits(admin, tenant.id, { limit: 3 });
    expect(first.items.map((i) => i.extension)).toEqual(["100", "200", "300"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listExtensionLimits(admin, tenant.id, { limit: 3, cursor: decodeCursor(first.nextCursor!)! });
    expect(second.items.map((i) => i.extension)).toEqual(["400"]);
    expect(second.nextCursor).toBeNull();
  });

  it("keeps another tenant's extension limits out of a tenant administrator's reach", async () => {
    const mine = await newTenant();
    const other = await newTenant();
    const theirs = await createExtensionLimit(admin, other.id, { extension: "555", dailyLimit: "7", currency: "EUR" });
    const tenantAdmin = caller("TENANT_ADMIN", mine.id);
    await expectAppError(getExtensionLimit(tenantAdmin, theirs.id), "NOT_FOUND");
    await expectAppError(listExtensionLimits(tenantAdmin, other.id, { limit: 10 }), "NOT_FOUND");
    await expectAppError(updateExtensionLimit(tenantAdmin, theirs.id, { dailyLimit: "0" }), "FORBIDDEN");
    await expectAppError(deleteExtensionLimit(tenantAdmin, theirs.id), "FORBIDDEN");
    await expectAppError(createExtensionLimit(tenantAdmin, other.id, { extension: "1", dailyLimit: "0", currency: "EUR" }), "FORBIDDEN");
    expect(await getExtensionLimit(admin, theirs.id)).toMatchObject({ dailyLimit: "7" });
  });
});

describe("route cost limits", () => {
  it("creates, updates and deletes; names and prefixes are unique", async () => {
    const prefix = uniquePrefix();
    const name = `route-${randomUUID()}`;
    const route = await createRouteCostLimit(operator, routeCostLimitCreateSchema.parse({ name, prefix, maxCostPerMinute: "0.0500", currency: "EUR" }));
    expect(route).toMatchObject({ name, prefix, maxCostPerMinute: "0.05", currency: "EUR" });
    await expectAppError(createRouteCostLimit(operator, { name, prefix: uniquePrefix(), maxCostPerMinute: "1", currency: "EUR" }), "CONFLICT", /already exists/);
    const prefixConflict = await expectAppError(
      createRouteCostLimit(operator, { name: `route-${randomUUID()}`, prefix, maxCostPerMinute: "1", currency: "EUR" }),
      "CONFLICT",
      new RegExp(`already has the prefix ${prefix}`),
    );
    expect(prefixConflict.fieldErrors?.prefix).toHaveLength(1);
    // Saving a route with its own prefix is not a conflict.
    const updated = await updateRouteCostLimit(operator, route.id, { prefix, maxCostPerMinute: "2.5" });
    expect(updated.maxCostPerMinute).toBe("2.5");
    await expectAppError(updateRouteCostLimit(viewer, route.id, { maxCostPerMinute: "1" }), "FORBIDDEN");
    await deleteRouteCostLimit(admin, route.id);
    await expectAppError(deleteRouteCostLimit(admin, route.id), "NOT_FOUND");
    const audits = await getDb().auditLog.findMany({ where: { objectId: route.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["route-cost-limit.create", "route-cost-limit.update", "route-cost-limit.delete"]);
    expect(audits[1]).toMatchObject({ before: { maxCostPerMinute: "0.05" }, after: { maxCostPerMinute: "2.5" } });
  });

  it("lists routes to readers of the policy only", async () => {
    const route = await createRouteCostLimit(admin, { name: `aaa-${randomUUID()}`, prefix: uniquePrefix(), maxCostPerMinute: "1", currency: "EUR" });
    const page = await listRouteCostLimits(viewer, { limit: 200 });
    expect(page.items.some((r) => r.id === route.id)).toBe(true);
    await expectAppError(listRouteCostLimits(caller("TENANT_ADMIN", (await newTenant()).id), { limit: 10 }), "FORBIDDEN");
  });
});

describe("abuse detection", () => {
  it("reads the migration's defaults and stores validated settings with an audit record", async () => {
    const current = await getAbuseDetection(viewer);
    expect(current.windowSeconds).toBeGreaterThanOrEqual(10);
    const input = abuseDetectionSchema.parse({ enabled: false, maxCallsSameNumber: 7 });
    expect(input.windowSeconds).toBe(300);
    const saved = await setAbuseDetection(operator, input);
    expect(saved).toMatchObject({ enabled: false, maxCallsSameNumber: 7, windowSeconds: 300 });
    const [audit] = await getDb().auditLog.findMany({ where: { action: "abuse-detection.update" }, orderBy: { id: "desc" }, take: 1 });
    expect(audit?.after).toEqual({ enabled: false, maxCallsSameNumber: 7, windowSeconds: 300 });
    await expectAppError(setAbuseDetection(viewer, input), "FORBIDDEN");
    await setAbuseDetection(admin, { enabled: true, maxCallsSameNumber: 5, windowSeconds: 300 });
  });
});
