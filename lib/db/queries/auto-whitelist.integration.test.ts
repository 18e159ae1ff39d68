import { randomInt } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Caller } from "@/lib/auth/caller";
import { expectAppError } from "@/test/app-error";
import { readAutoWhitelistSettings, recordAutoWhitelist, updateAutoWhitelistSettings } from "./auto-whitelist";

afterAll(async () => {
  await disconnectDb();
});

const address = () => `2001:db8:a${randomInt(0, 0xfff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::${randomInt(1, 0xffff).toString(16)}`;
const entryOf = (network: string) =>
  getDb().$queryRaw<{ source: string; scope: string; expires_at: Date | null; comment: string }[]>`
    SELECT source::text, scope::text, expires_at, comment FROM address_entries WHERE list = 'WHITELIST' AND network = ${network}::inet`;

describe("recordAutoWhitelist", () => {
  it("adds expiring AUTO_REGISTRATION entries, extends them only past half their life, and audits as the system", async () => {
    const phone = address();
    const t0 = new Date();
    const first = await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }, { address: "not an address", accountId: "x", nodeName: "pbx1" }], 3_600, t0);
    expect(first).toEqual({ added: [phone], extended: [] });
    const [row] = await entryOf(phone);
    // SIP-scoped: a registration proves a SIP password, never a right to every port.
    expect(row).toMatchObject({ source: "AUTO_REGISTRATION", scope: "SIP", comment: "Registered as 100 on pbx1" });
    expect(row!.expires_at!.getTime()).toBe(t0.getTime() + 3_600_000);

    // Ten minutes later: more than half left, nothing written.
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600, new Date(t0.getTime() + 600_000))).toEqual({ added: [], extended: [] });
    // Forty minutes later: extended.
    const later = new Date(t0.getTime() + 2_400_000);
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600, later)).toEqual({ added: [], extended: [phone] });
    expect((await entryOf(phone))[0]!.expires_at!.getTime()).toBe(later.getTime() + 3_600_000);

    const audit = await getDb().auditLog.findFirst({ where: { action: "whitelist.auto_registration", objectId: phone }, orderBy: { at: "desc" } });
    expect(audit?.actorType).toBe("SYSTEM");
  });

  it("leaves an address alone that an administrator's whitelist entry already covers", async () => {
    const phone = address();
    const network = `${phone.split("::")[0]}::/64`;
    await getDb().addressEntry.create({ data: { list: "WHITELIST", network, family: 6, comment: "office", source: "MANUAL" } });
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600)).toEqual({ added: [], extended: [] });
    expect(await entryOf(phone)).toEqual([]);
  });

  it("never touches a person's ALL entry of the address, and adds a SIP entry under a NO_BAN one", async () => {
    const phone = address();
    const row = await getDb().addressEntry.create({ data: { list: "WHITELIST", network: phone, family: 6, comment: "trunk", source: "MANUAL", scope: "ALL", expiresAt: new Date(Date.now() + 60_000) } });
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600)).toEqual({ added: [], extended: [] });
    expect(await entryOf(phone)).toEqual([{ source: "MANUAL", scope: "ALL", expires_at: row.expiresAt, comment: "trunk" }]);

    // Expired, the person's entry is still theirs: not renewed, not rescoped, not replaced.
    await getDb().addressEntry.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600)).toEqual({ added: [], extended: [] });
    expect((await entryOf(phone))[0]).toMatchObject({ source: "MANUAL", scope: "ALL", comment: "trunk" });

    const other = address();
    await getDb().addressEntry.create({ data: { list: "WHITELIST", network: `${other.split("::")[0]}::/64`, family: 6, comment: "fax", source: "MANUAL", scope: "NO_BAN" } });
    expect(await recordAutoWhitelist([{ address: other, accountId: "200", nodeName: "pbx1" }], 3_600)).toEqual({ added: [other], extended: [] });
    expect((await entryOf(other))[0]).toMatchObject({ source: "AUTO_REGISTRATION", scope: "SIP" });
  });

  it("does not renew an auto entry an administrator rescoped to ALL", async () => {
    const phone = address();
    const t0 = new Date();
    await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600, t0);
    await getDb().addressEntry.updateMany({ where: { list: "WHITELIST", network: phone }, data: { scope: "ALL" } });
    expect(await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }], 3_600, new Date(t0.getTime() + 3_000_000))).toEqual({ added: [], extended: [] });
    expect((await entryOf(phone))[0]).toMatchObject({ scope: "ALL" });
    expect((await entryOf(phone))[0]!.expires_at!.getTime()).toBe(t0.getTime() + 3_600_000);
  });
});

describe("the auto-whitelist setting", () => {
  const as = (role: Caller["role"]): Caller => ({ role, tenantId: null, actor: { type: "CLI", id: null, label: `it-auto-${role.toLowerCase()}` } });

  it("round-trips, audits each change (not a repeat), and is readable by an OPERATOR but changed only by an ADMIN", async () => {
    const admin = as("ADMIN");
    const original = await readAutoWhitelistSettings(admin);
    try {
      const on = await updateAutoWhitelistSettings(admin, { isEnabled: true, ttlSeconds: 7_200 });
      expect(on).toMatchObject({ isEnabled: true, ttlSeconds: 7_200, scope: "SIP" });
      expect(on.activeEntries).toBeGreaterThanOrEqual(0);
      expect(await readAutoWhitelistSettings(as("OPERATOR"))).toMatchObject({ isEnabled: true, ttlSeconds: 7_200 });
      const [row] = await getDb().$queryRaw<{ enabled: boolean; ttl: number }[]>`
        SELECT auto_whitelist_registrations AS enabled, auto_whitelist_ttl_seconds AS ttl FROM platform_settings WHERE id = 1`;
      expect(row).toEqual({ enabled: true, ttl: 7_200 });

      // One field leaves the other as it is.
      expect(await updateAutoWhitelistSettings(admin, { ttlSeconds: 600 })).toMatchObject({ isEnabled: true, ttlSeconds: 600 });
      const audit = await getDb().auditLog.findFirst({ where: { action: "settings.auto-whitelist.update", actorLabel: "it-auto-admin" }, orderBy: { id: "desc" } });
      expect(audit).toMatchObject({ objectType: "auto-whitelist-settings", before: { isEnabled: true, ttlSeconds: 7_200 }, after: { isEnabled: true, ttlSeconds: 600 } });
      const count = await getDb().auditLog.count({ where: { action: "settings.auto-whitelist.update", actorLabel: "it-auto-admin" } });
      await updateAutoWhitelistSettings(admin, { isEnabled: true, ttlSeconds: 600 });
      expect(await getDb().auditLog.count({ where: { action: "settings.auto-whitelist.update", actorLabel: "it-auto-admin" } })).toBe(count);

      await expectAppError(updateAutoWhitelistSettings(as("OPERATOR"), { isEnabled: false }), "FORBIDDEN");
      await expectAppError(readAutoWhitelistSettings(as("TENANT_ADMIN")), "FORBIDDEN");
      expect((await readAutoWhitelistSettings(admin)).isEnabled).toBe(true);
    } finally {
      await updateAutoWhitelistSettings(admin, { isEnabled: original.isEnabled, ttlSeconds: original.ttlSeconds });
    }
  });
});
