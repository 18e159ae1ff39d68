import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { decodeCursor, tenantCreateSchema } from "@/lib/validation/tenant";
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from "./tenants";
import { setTenantCallLimit, createExtensionLimit } from "./call-limits";
import { expectAppError } from "@/test/app-error";

const caller = (role: Role, tenantId: string | null = null): Caller => ({
  role,
  tenantId,
  actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}@test`, ip: "192.0.2.7" },
});
const admin = caller("ADMIN");
const uniqueName = (label = "tenant") => `${label}-${randomUUID()}`;

async function newTenant(name = uniqueName()) {
  return createTenant(admin, tenantCreateSchema.parse({ name }));
}

async function auditOf(objectId: string) {
  return getDb().auditLog.findMany({ where: { objectId }, orderBy: { id: "asc" } });
}

describe("tenants", () => {
  it("creates a tenant and audits it in the same transaction", async () => {
    const name = uniqueName("acme");
    const tenant = await createTenant(admin, tenantCreateSchema.parse({ name, description: "Hosted PBX", autoWhitelistRestrictions: true }));
    expect(tenant).toMatchObject({ name, description: "Hosted PBX", autoWhitelistRestrictions: true, restrictionCount: 0, userCount: 0 });
    const [audit] = await auditOf(tenant.id);
    expect(audit).toMatchObject({
      action: "tenant.create",
      objectType: "tenant",
      actorType: "USER",
      actorLabel: "admin@test",
      after: { name, description: "Hosted PBX", autoWhitelistRestrictions: true },
    });
  });

  it("refuses a taken name with a conflict on the name field, and writes nothing", async () => {
    const name = uniqueName();
    await newTenant(name);
    const error = await expectAppError(newTenant(name), "CONFLICT", /already exists/);
    expect(error.fieldErrors?.name?.[0]).toContain(name);
    expect(await getDb().tenant.count({ where: { name } })).toBe(1);
  });

  it("updates with before and after in the audit log, and maps a rename onto a taken name to a conflict", async () => {
    const taken = await newTenant();
    const tenant = await newTenant();
    const updated = await updateTenant(admin, tenant.id, { description: "new", autoWhitelistRestrictions: true });
    expect(updated).toMatchObject({ name: tenant.name, description: "new", autoWhitelistRestrictions: true });
    const audits = await auditOf(tenant.id);
    expect(audits.at(-1)).toMatchObject({
      action: "tenant.update",
      before: { name: tenant.name, description: "", autoWhitelistRestrictions: false },
      after: { name: tenant.name, description: "new", autoWhitelistRestrictions: true },
    });
    await expectAppError(updateTenant(admin, tenant.id, { name: taken.name }), "CONFLICT");
    expect((await getDb().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe(tenant.name);
    await expectAppError(updateTenant(admin, randomUUID(), { description: "x" }), "NOT_FOUND");
  });

  it("lets only administrators write, and tenant administrators read only their own tenant", async () => {
    const mine = await newTenant();
    const other = await newTenant();
    const tenantAdmin = caller("TENANT_ADMIN", mine.id);
    await expectAppError(createTenant(caller("OPERATOR"), tenantCreateSchema.parse({ name: uniqueName() })), "FORBIDDEN");
    await expectAppError(updateTenant(tenantAdmin, mine.id, { description: "mine" }), "FORBIDDEN");
    await expectAppError(deleteTenant(tenantAdmin, mine.id), "FORBIDDEN");
    expect((await getTenant(tenantAdmin, mine.id)).name).toBe(mine.name);
    // Another tenant's id looks exactly like an id that does not exist.
    const foreign = await expectAppError(getTenant(tenantAdmin, other.id), "NOT_FOUND");
    const missing = await expectAppError(getTenant(tenantAdmin, randomUUID()), "NOT_FOUND");
    expect(foreign.message).toBe(missing.message);
    const page = await listTenants(tenantAdmin, { limit: 200 });
    expect(page.items.map((t) => t.id)).toEqual([mine.id]);
    expect(page.nextCursor).toBeNull();
  });

  it("pages through tenants in name order with an opaque cursor", async () => {
    const prefix = `page-${randomUUID()}`;
    for (const suffix of ["c", "a", "b", "e", "d"]) await newTenant(`${prefix}-${suffix}`);
    const seen: string[] = [];
    let cursor: string | undefined;
    // Other tests' tenants are interleaved; walk until every one of ours has been seen.
    for (let i = 0; i < 10_000; i++) {
      const page = await listTenants(admin, { limit: 2, cursor });
      seen.push(...page.items.map((t) => t.name).filter((n) => n.startsWith(prefix)));
      if (!page.nextCursor) break;
      cursor = decodeCursor(page.nextCursor) ?? undefined;
    }
    expect(seen).toEqual(["a", "b", "c", "d", "e"].map((s) => `${prefix}-${s}`));
  });

  it("counts users and restrictions", async () => {
    const tenant = await newTenant();
    await getDb().user.create({ data: { email: `u-${randomUUID()}@test`, passwordHash: "x", role: "TENANT_ADMIN", tenantId: tenant.id } });
    await getDb().addressEntry.createMany({
      data: [
        { list: "TENANT_RESTRICTION", network: "198.51.100.0/24", family: 4, tenantId: tenant.id },
        { list: "TENANT_RESTRICTION", network: "2001:db8::/48", family: 6, tenantId: tenant.id },
      ],
    });
    const detail = await getTenant(admin, tenant.id);
    expect(detail).toMatchObject({ userCount: 1, restrictionCount: 2, extensionLimitCount: 0, hasTenantCallLimit: false });
  });

  it("refuses to delete a tenant that has users, saying how many, and changes nothing", async () => {
    const tenant = await newTenant();
    for (let i = 0; i < 3; i++) {
      await getDb().user.create({ data: { email: `u-${randomUUID()}@test`, passwordHash: "x", role: "TENANT_ADMIN", tenantId: tenant.id } });
    }
    await expectAppError(deleteTenant(admin, tenant.id), "CONFLICT", /still has 3 users/);
    expect(await getDb().tenant.count({ where: { id: tenant.id } })).toBe(1);
    expect((await auditOf(tenant.id)).map((a) => a.action)).toEqual(["tenant.create"]);
  });

  it("deletes a tenant with its restrictions, limits and tokens, reporting the counts", async () => {
    const tenant = await newTenant();
    await getDb().addressEntry.create({ data: { list: "TENANT_RESTRICTION", network: "203.0.113.0/24", family: 4, tenantId: tenant.id } });
    await setTenantCallLimit(admin, tenant.id, { dailyLimit: "10", monthlyLimit: "200", currency: "EUR" });
    await createExtensionLimit(admin, tenant.id, { extension: "101", dailyLimit: "5", currency: "EUR" });
    await createExtensionLimit(admin, tenant.id, { extension: "102", dailyLimit: "5.5", currency: "EUR" });
    await getDb().apiToken.create({ data: { name: "t", prefix: "rmp_x", tokenHash: randomUUID(), role: "TENANT_ADMIN", tenantId: tenant.id } });

    const deletion = await deleteTenant(admin, tenant.id);
    expect(deletion).toEqual({
      id: tenant.id,
      name: tenant.name,
      restrictionCount: 1,
      extensionLimitCount: 2,
      hasTenantCallLimit: true,
      apiTokenCount: 1,
    });
    const db = getDb();
    expect(await db.tenant.count({ where: { id: tenant.id } })).toBe(0);
    expect(await db.addressEntry.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.extensionCallLimit.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.tenantCallLimit.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.apiToken.count({ where: { tenantId: tenant.id } })).toBe(0);
    const audit = (await auditOf(tenant.id)).find((a) => a.action === "tenant.delete");
    expect(audit?.before).toMatchObject({
      name: tenant.name,
      restrictionCount: 1,
      extensionLimitCount: 2,
      apiTokenCount: 1,
      callLimit: { dailyLimit: "10", monthlyLimit: "200", currency: "EUR" },
    });
    await expectAppError(deleteTenant(admin, tenant.id), "NOT_FOUND");
  });
});
