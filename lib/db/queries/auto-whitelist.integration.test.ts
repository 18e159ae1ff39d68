import { randomInt } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { recordAutoWhitelist } from "./auto-whitelist";

afterAll(async () => {
  await disconnectDb();
});

const address = () => `2001:db8:a${randomInt(0, 0xfff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::${randomInt(1, 0xffff).toString(16)}`;
const entryOf = (network: string) =>
  getDb().$queryRaw<{ source: string; expires_at: Date | null; comment: string }[]>`
    SELECT source::text, expires_at, comment FROM address_entries WHERE list = 'WHITELIST' AND network = ${network}::inet`;

describe("recordAutoWhitelist", () => {
  it("adds expiring AUTO_REGISTRATION entries, extends them only past half their life, and audits as the system", async () => {
    const phone = address();
    const t0 = new Date();
    const first = await recordAutoWhitelist([{ address: phone, accountId: "100", nodeName: "pbx1" }, { address: "not an address", accountId: "x", nodeName: "pbx1" }], 3_600, t0);
    expect(first).toEqual({ added: [phone], extended: [] });
    const [row] = await entryOf(phone);
    expect(row).toMatchObject({ source: "AUTO_REGISTRATION", comment: "Registered as 100 on pbx1" });
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
});
