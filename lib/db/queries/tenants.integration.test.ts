import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { decodeCursor, tenantCreateSchema, tenantUpdateSchema } from "@/lib/validation/tenant";
import { parseNetwork } from "@/lib/net/parse";
import { entryCreateSchema, importOptionsSchema, listQuerySchema } from "@/lib/validation/address-entry";
import { banListQuerySchema } from "@/lib/validation/bans";
import { tenantNetworkSettingsSchema } from "@/lib/validation/settings";
import { createAddressEntry, importAddressText, listAddressEntries } from "./address-entries";
import { listBans, listBanTargets } from "./bans";
import { listCurrentBans } from "./current-bans";
import { tenantBanSummary } from "./overview";
import {
  approveTenantNetwork,
  createTenant,
  deleteTenant,
  getTenant,
  getTenantNetworkSettings,
  listTenants,
  rejectTenantNetwork,
  updateTenant,
  updateTenantNetworkSettings,
} from "./tenants";
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

  it("sets, changes and clears the account code, audited; a code another tenant holds is a conflict on its field", async () => {
    const code = `acme-${randomUUID().slice(0, 8)}`;
    const holder = await createTenant(admin, tenantCreateSchema.parse({ name: uniqueName(), accountCode: ` ${code} ` }));
    expect(holder.accountCode).toBe(code);
    expect((await auditOf(holder.id))[0]?.after).toMatchObject({ accountCode: code });

    const taken = await expectAppError(createTenant(admin, tenantCreateSchema.parse({ name: uniqueName(), accountCode: code })), "CONFLICT", /already belongs/);
    expect(taken.fieldErrors?.accountCode?.[0]).toContain(holder.name);
    expect(taken.fieldErrors?.name).toBeUndefined();

    const other = await newTenant();
    expect(other.accountCode).toBeNull();
    const conflict = await expectAppError(updateTenant(admin, other.id, tenantUpdateSchema.parse({ accountCode: code })), "CONFLICT");
    expect(conflict.fieldErrors?.accountCode?.[0]).toContain(`"${code}"`);
    expect((await getDb().tenant.findUniqueOrThrow({ where: { id: other.id } })).accountCode).toBeNull();

    // Keeping one's own code is no conflict; an emptied field clears it.
    await updateTenant(admin, holder.id, tenantUpdateSchema.parse({ accountCode: code, description: "same code" }));
    const cleared = await updateTenant(admin, holder.id, tenantUpdateSchema.parse({ accountCode: "" }));
    expect(cleared.accountCode).toBeNull();
    expect((await auditOf(holder.id)).at(-1)).toMatchObject({ action: "tenant.update", before: { accountCode: code }, after: { accountCode: null } });
    // Now free, the other tenant may take it.
    expect((await updateTenant(admin, other.id, tenantUpdateSchema.parse({ accountCode: code }))).accountCode).toBe(code);
  });

  it("refuses an account code the guard could not key on, naming the rule", () => {
    for (const bad of ["acme corp", "a".repeat(41), "acme;rm", "ä"]) {
      const parsed = tenantUpdateSchema.safeParse({ accountCode: bad });
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(["accountCode"]);
      expect(parsed.error?.issues[0]?.message).toMatch(/^Account code: 1 to 40 letters, digits, - or _/);
    }
    expect(tenantUpdateSchema.parse({ accountCode: null }).accountCode).toBeNull();
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

// ---------------------------------------------------------------------------------------------------------
// Tenant networks: the minimum prefix, overlaps that wait for approval, and what pending networks grant
// ---------------------------------------------------------------------------------------------------------

describe("tenant networks", () => {
  const tenantAdminOf = (tenantId: string) => caller("TENANT_ADMIN", tenantId);
  const operator = caller("OPERATOR");
  const target = (tenantId: string) => ({ kind: "tenant", tenantId }) as const;
  const entry = (network: string, extra: Record<string, unknown> = {}) => entryCreateSchema.parse({ network, ...extra });

  /** A /24 in 100.64.0.0/10 that no tenant network of earlier runs overlaps. */
  async function freshNet24(): Promise<string> {
    for (;;) {
      const network = `100.${64 + Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.0/24`;
      const [row] = await getDb().$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM address_entries WHERE list = 'TENANT_RESTRICTION' AND network && ${network}::inet`;
      if ((row?.count ?? 0) === 0) return network;
    }
  }

  async function storedRow(tenantId: string, network: string) {
    return getDb().addressEntry.findFirst({ where: { tenantId, network, list: "TENANT_RESTRICTION" }, select: { id: true, pendingReason: true } });
  }

  it("refuses a tenant admin's network wider than the minimum, confirmBroad or not, naming the minimum; an administrator may", async () => {
    const tenant = await newTenant();
    const tenantAdmin = tenantAdminOf(tenant.id);
    const error = await expectAppError(createAddressEntry(tenantAdmin, target(tenant.id), entry("0.0.0.0/1", { confirmBroad: true })), "VALIDATION", /\/24 or narrower/);
    expect(error.fieldErrors?.network?.[0]).toMatch(/0\.0\.0\.0\/1/);
    await expectAppError(createAddressEntry(tenantAdmin, target(tenant.id), entry("2001:db8::/40")), "VALIDATION", /IPv6 networks must be \/48 or narrower/);
    expect(await getDb().addressEntry.count({ where: { tenantId: tenant.id } })).toBe(0);
    // /24 itself is allowed, and an administrator is not bound by the minimum.
    const net = await freshNet24();
    await createAddressEntry(tenantAdmin, target(tenant.id), entry(net));
    const wide = `${net.split(".").slice(0, 2).join(".")}.0.0/16`;
    const result = await createAddressEntry(admin, target(tenant.id), entry(wide, { allowCovered: true }));
    expect(result.entry.pendingReason).toBeNull();
  });

  it("stores a tenant admin's network overlapping another tenant's as pending, hides the other tenant from them, and reports it to administrators", async () => {
    const acme = await newTenant(uniqueName("ACME"));
    const intruder = await newTenant();
    const office = await freshNet24();
    await createAddressEntry(admin, target(acme.id), entry(office));
    const host = office.replace(/0\/24$/, "7");

    // Contained in, equal to: both wait, and the tenant admin does not learn whose network it is.
    for (const network of [host, office]) {
      const result = await createAddressEntry(tenantAdminOf(intruder.id), target(intruder.id), entry(network));
      expect(result.entry.pendingReason).toBe("overlaps another tenant's network");
      expect(result.notices.join(" ")).toMatch(/waits for an administrator's approval/);
      expect((await storedRow(intruder.id, network))?.pendingReason).toBe(`overlaps ${acme.name}'s ${office}`);
    }
    // An administrator reads the whole reason; the tenant is counted as having pending networks.
    const page = await listAddressEntries(admin, target(intruder.id), listQuerySchema.parse({}));
    expect(page.items.map((e) => e.pendingReason)).toEqual([`overlaps ${acme.name}'s ${office}`, `overlaps ${acme.name}'s ${office}`]);
    expect((await getTenant(admin, intruder.id)).pendingCount).toBe(2);
    expect((await listTenants(admin, { limit: 200 })).items.find((t) => t.id === intruder.id)?.pendingCount).toBe(2);

    // An administrator's (or operator's) overlapping write is in force at once, with a warning.
    const third = await newTenant();
    const byOperator = await createAddressEntry(operator, target(third.id), entry(office));
    expect(byOperator.entry.pendingReason).toBeNull();
    expect(byOperator.notices.join(" ")).toContain(`overlaps ${acme.name}'s ${office}`);

    // A pending network does not count as the other tenant's network in force.
    const fourth = await newTenant();
    const pendingHost = await createAddressEntry(tenantAdminOf(fourth.id), target(fourth.id), entry(host));
    expect(pendingHost.entry.pendingReason).not.toBeNull(); // ACME's and the operator's are in force
  });

  it("a pending network grants no ban visibility; approval (administrators only) grants it, rejection deletes", async () => {
    const victim = await newTenant();
    const attacker = await newTenant();
    const office = await freshNet24();
    await createAddressEntry(admin, target(victim.id), entry(office));
    const banned = office.replace(/0\/24$/, "33");
    const node = await getDb().node.create({ data: { name: `pending-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true } });
    const now = new Date();
    await getDb().banEvent.create({
      data: { nodeId: node.id, jail: "rampart-asterisk", address: banned, family: 4, firstSeenAt: now, lastSeenAt: now, bannedAt: now },
    });
    const attackerAdmin = tenantAdminOf(attacker.id);
    const stored = await createAddressEntry(attackerAdmin, target(attacker.id), entry(office));
    expect(stored.entry.pendingReason).not.toBeNull();

    const visible = async () => (await listCurrentBans(attackerAdmin)).bans.filter((b) => b.ip === banned).length;
    expect(await visible()).toBe(0);
    expect((await listBans(attackerAdmin, banListQuerySchema.parse({ q: banned }))).items).toHaveLength(0);
    await expectAppError(listBanTargets(attackerAdmin, { addresses: [parsedOf(banned)], nodeIds: "all" }), "NOT_FOUND");
    expect((await tenantBanSummary(attackerAdmin)).bannedAddresses).toBe(0);
    // The victim's own administrator sees the ban.
    expect((await listCurrentBans(tenantAdminOf(victim.id))).bans.some((b) => b.ip === banned)).toBe(true);

    // Only an administrator decides: the tenant admin and an operator are refused, nothing changes.
    await expectAppError(approveTenantNetwork(attackerAdmin, attacker.id, { id: stored.entry.id }), "FORBIDDEN");
    await expectAppError(approveTenantNetwork(operator, attacker.id, { id: stored.entry.id }), "FORBIDDEN");
    await expectAppError(rejectTenantNetwork(attackerAdmin, attacker.id, { id: stored.entry.id }), "FORBIDDEN");
    await expectAppError(rejectTenantNetwork(operator, attacker.id, { id: stored.entry.id }), "FORBIDDEN");
    expect((await storedRow(attacker.id, office))?.pendingReason).not.toBeNull();
    // Another tenant's id, or an entry in force, is not pending.
    await expectAppError(approveTenantNetwork(admin, victim.id, { id: stored.entry.id }), "NOT_FOUND");

    await approveTenantNetwork(admin, attacker.id, { id: stored.entry.id });
    expect((await storedRow(attacker.id, office))?.pendingReason).toBeNull();
    expect(await visible()).toBe(1);
    const [approval] = await getDb().auditLog.findMany({ where: { objectId: stored.entry.id, action: "tenant-restriction.approve" } });
    expect(approval?.before).toMatchObject({ network: office, pendingReason: `overlaps ${victim.name}'s ${office}` });
    await expectAppError(approveTenantNetwork(admin, attacker.id, { id: stored.entry.id }), "NOT_FOUND", /not waiting for approval/);

    // Rejection, by network (as the CLI does): the row is gone and audited.
    const other = await newTenant();
    await createAddressEntry(tenantAdminOf(other.id), target(other.id), entry(office));
    const rejected = await rejectTenantNetwork(admin, other.id, { network: office });
    expect(await storedRow(other.id, office)).toBeNull();
    expect(await getDb().auditLog.count({ where: { objectId: rejected.id, action: "tenant-restriction.reject" } })).toBe(1);
  });

  it("imports a tenant admin's lines by the same rules: wider lines rejected with their line number, overlapping ones pending", async () => {
    const owner = await newTenant();
    const importer = await newTenant();
    const taken = await freshNet24();
    await createAddressEntry(admin, target(owner.id), entry(taken));
    const free = await freshNet24();
    const text = ["# offices", free, "0.0.0.0/1", taken.replace(/0\/24$/, "9"), "10.0.0.0/16"].join("\n");
    const report = await importAddressText(tenantAdminOf(importer.id), target(importer.id), text, importOptionsSchema.parse({ confirmBroad: true }));
    expect(report.accepted).toBe(2);
    expect(report.pending).toBe(1);
    expect(report.rejected.map((r) => [r.line, /\/24 or narrower/.test(r.reason)])).toEqual([
      [3, true],
      [5, true],
    ]);
    expect((await storedRow(importer.id, taken.replace(/0\/24$/, "9")))?.pendingReason).toBe(`overlaps ${owner.name}'s ${taken}`);
    expect((await storedRow(importer.id, free))?.pendingReason).toBeNull();

    // The same file from an administrator (not bound by the minimum): nothing pending, the overlap reported.
    const byAdmin = await importAddressText(admin, target((await newTenant()).id), text, importOptionsSchema.parse({ confirmBroad: true, allowCovered: true }));
    expect(byAdmin).toMatchObject({ accepted: 4, pending: 0 });
    expect(byAdmin.notices.join(" ")).toContain(`overlaps ${owner.name}'s ${taken}`);
  });

  it("keeps the minimums as administrator settings: read by tenant admins, written by administrators only, audited", async () => {
    const tenant = await newTenant();
    expect(await getTenantNetworkSettings(tenantAdminOf(tenant.id))).toEqual({ minPrefix4: 24, minPrefix6: 48 });
    await expectAppError(updateTenantNetworkSettings(operator, { minPrefix4: 16, minPrefix6: 32 }), "FORBIDDEN");
    await expectAppError(updateTenantNetworkSettings(tenantAdminOf(tenant.id), { minPrefix4: 8, minPrefix6: 16 }), "FORBIDDEN");
    expect(() => tenantNetworkSettingsSchema.parse({ minPrefix4: 7, minPrefix6: 48 })).toThrow(/\/8 to \/32/);
    try {
      await updateTenantNetworkSettings(admin, { minPrefix4: 22, minPrefix6: 16 });
      expect(await getTenantNetworkSettings(admin)).toEqual({ minPrefix4: 22, minPrefix6: 16 });
      // Within the lowered minimum but over-broad (lib/net): stored, waiting for approval.
      const broad = await createAddressEntry(tenantAdminOf(tenant.id), target(tenant.id), entry(`2001:${randomUUID().slice(0, 3)}0::/28`, { confirmBroad: true }));
      expect(broad.entry.pendingReason).toMatch(/^is over-broad \(1\/268,435,456 of all IPv6 addresses\)$/);
      await expectAppError(createAddressEntry(tenantAdminOf(tenant.id), target(tenant.id), entry("100.64.0.0/21")), "VALIDATION", /\/22 or narrower/);
      expect(await getDb().auditLog.count({ where: { action: "settings.tenant-networks.update", after: { path: ["minPrefix4"], equals: 22 } } })).toBeGreaterThan(0);
    } finally {
      await updateTenantNetworkSettings(admin, { minPrefix4: 24, minPrefix6: 48 });
    }
  });
});

function parsedOf(text: string) {
  const parsed = parseNetwork(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
