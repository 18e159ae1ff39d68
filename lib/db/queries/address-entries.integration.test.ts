import { randomInt, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { getDatabaseUrl } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import type { ListTarget } from "@/lib/lists/targets";
import {
  entryCreateSchema,
  entryFilterSchema,
  entryUpdateSchema,
  listQuerySchema,
  managementReplaceSchema,
  type EntryCreateInput,
  type ListQueryInput,
} from "@/lib/validation/address-entry";
import {
  countAddressEntries,
  createAddressEntry,
  deleteAddressEntries,
  deleteAddressEntry,
  findCoveringEntries,
  getListSummary,
  importAddressText,
  iterateAddressEntries,
  listAddressEntries,
  listManagementAccess,
  replaceManagementAccess,
  updateAddressEntry,
} from "./address-entries";
import { parseNetwork } from "@/lib/net/parse";
import { expectAppError } from "@/test/app-error";

afterAll(async () => {
  await disconnectDb();
});

function caller(role: Caller["role"], tenantId: string | null = null): Caller {
  return { role, tenantId, actor: { type: "CLI", id: null, label: `it-${role.toLowerCase()}` } };
}
const admin = caller("ADMIN");
const BL: ListTarget = { kind: "blocklist" };
const WL: ListTarget = { kind: "whitelist" };

/** A fresh IPv6 /64 per test, so tests on the shared global lists never meet. */
function uniquePrefix(): string {
  return `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
}

async function newTenant(): Promise<string> {
  const tenant = await getDb().tenant.create({ data: { name: `it-lists-${randomUUID()}` }, select: { id: true } });
  return tenant.id;
}

const create = (c: Caller, target: ListTarget, input: EntryCreateInput) => createAddressEntry(c, target, entryCreateSchema.parse(input));
const list = (c: Caller, target: ListTarget, input: ListQueryInput = {}) => listAddressEntries(c, target, listQuerySchema.parse(input));

describe("create, duplicates and coverage", () => {
  it("stores the canonical network, refuses duplicates and covered entries with the reason, and audits", async () => {
    const p = uniquePrefix();
    const created = await create(admin, BL, { network: `${p}:0:0:0:0/64`, comment: "scanner net" });
    expect(created.entry).toMatchObject({ network: `${p}::/64`, list: "blocklist", family: 6, comment: "scanner net", isExpired: false, coveredBy: null });

    const host = await create(admin, BL, { network: `${p.toUpperCase()}:0:0:0:1` }).catch((e: unknown) => e);
    expect(isAppError(host) && host.code).toBe("CONFLICT");
    expect(isAppError(host) && host.fieldErrors?.allowCovered?.[0]).toMatch(new RegExp(`already covered by ${p}::/64 on the blocklist`));

    const stored = await create(admin, BL, { network: `${p}::1`, allowCovered: true });
    expect(stored.entry).toMatchObject({ network: `${p}::1`, coveredBy: `${p}::/64` });

    await expectAppError(create(admin, BL, { network: `${p}::1`, allowCovered: true }), "CONFLICT", /is already on the blocklist \(since \d{4}-\d{2}-\d{2} by it-admin\)/);

    const audit = await getDb().auditLog.findMany({ where: { objectId: { in: [created.entry.id, stored.entry.id] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["blocklist.create", "blocklist.create"]);
    expect(audit[0]!.after).toMatchObject({ network: `${p}::/64`, comment: "scanner net" });
  });

  it("reports the wider entry's redundant children and the conflict with the whitelist", async () => {
    const p = uniquePrefix();
    await create(admin, BL, { network: `${p}::5` });
    const wl = await create(admin, WL, { network: `${p}::/64`, comment: "office" });
    expect(wl.notices.join(" ")).toMatch(new RegExp(`Conflict: ${p}::/64 overlaps ${p}::5 on the blocklist`));

    const page = await list(admin, BL, { q: p });
    expect(page.items).toEqual([expect.objectContaining({ network: `${p}::5`, conflictWith: `${p}::/64` })]);
    const wlPage = await list(admin, WL, { q: p });
    expect(wlPage.items).toEqual([expect.objectContaining({ network: `${p}::/64`, conflictWith: `${p}::5` })]);

    const summary = await getListSummary(admin, BL);
    expect(summary.conflicts).toBeGreaterThanOrEqual(1);
  });

  it("shows expired entries as expired and leaves them out of coverage and conflicts", async () => {
    const p = uniquePrefix();
    const wide = await create(admin, BL, { network: `${p}::/64`, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await getDb().addressEntry.update({ where: { id: wide.entry.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const host = await create(admin, BL, { network: `${p}::9` });
    expect(host.entry.coveredBy).toBeNull();
    await create(admin, WL, { network: `${p}::/64` });
    const page = await list(admin, BL, { q: p, sort: "network" });
    expect(page.items.map((e) => [e.network, e.isExpired, e.conflictWith])).toEqual([
      [`${p}::/64`, true, null],
      [`${p}::9`, false, `${p}::/64`],
    ]);
    const expiredOnly = await list(admin, BL, { q: p, status: "expired" });
    expect(expiredOnly.items.map((e) => e.network)).toEqual([`${p}::/64`]);
  });

  it("refuses a past expiry and /0 at validation", () => {
    expect(entryCreateSchema.safeParse({ network: "192.0.2.1", expiresAt: "2001-01-01T00:00:00Z" }).success).toBe(false);
    expect(entryCreateSchema.safeParse({ network: "0.0.0.0/0", confirmBroad: true }).success).toBe(false);
    const broad = entryCreateSchema.safeParse({ network: "10.0.0.0/7" });
    expect(broad.success).toBe(false);
    expect(!broad.success && broad.error.issues[0]!.path).toEqual(["confirmBroad"]);
  });
});

describe("reading", () => {
  it("pages with keyset cursors in both directions and both orders, and rejects a bad cursor", async () => {
    const tenantId = await newTenant();
    const target: ListTarget = { kind: "tenant", tenantId };
    const networks = ["192.0.2.7", "192.0.2.1", "10.9.0.0/16", "2001:db8::1", "198.51.100.0/24", "192.0.2.3", "203.0.113.9"];
    for (const network of networks) await create(admin, target, { network });

    const first = await list(admin, target, { limit: 3 });
    expect(first.items.map((e) => e.network)).toEqual(["203.0.113.9", "192.0.2.3", "198.51.100.0/24"]);
    expect(first.prevCursor).toBeNull();
    const second = await list(admin, target, { limit: 3, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.network)).toEqual(["2001:db8::1", "10.9.0.0/16", "192.0.2.1"]);
    const third = await list(admin, target, { limit: 3, cursor: second.nextCursor! });
    expect(third.items.map((e) => e.network)).toEqual(["192.0.2.7"]);
    expect(third.nextCursor).toBeNull();
    const back = await list(admin, target, { limit: 3, cursor: third.prevCursor! });
    expect(back.items.map((e) => e.network)).toEqual(second.items.map((e) => e.network));
    const backAgain = await list(admin, target, { limit: 3, cursor: back.prevCursor! });
    expect(backAgain.items.map((e) => e.network)).toEqual(first.items.map((e) => e.network));
    expect(backAgain.prevCursor).toBeNull();

    const byNetwork = await list(admin, target, { limit: 4, sort: "network" });
    expect(byNetwork.items.map((e) => e.network)).toEqual(["10.9.0.0/16", "192.0.2.1", "192.0.2.3", "192.0.2.7"]);
    const byNetwork2 = await list(admin, target, { limit: 4, sort: "network", cursor: byNetwork.nextCursor! });
    expect(byNetwork2.items.map((e) => e.network)).toEqual(["198.51.100.0/24", "203.0.113.9", "2001:db8::1"]);

    await expectAppError(list(admin, target, { cursor: "garbage" }), "VALIDATION", /page link is invalid/);
    await expectAppError(list(admin, target, { sort: "network", cursor: first.nextCursor! }), "VALIDATION");
  });

  it("finds the entries covering an address, most specific first, and searches text", async () => {
    const p = uniquePrefix();
    await create(admin, BL, { network: `${p}::/64`, comment: `wide ${p}` });
    await create(admin, BL, { network: `${p}::/96`, allowCovered: true, comment: "narrow" });
    await create(admin, BL, { network: `${p}::42`, allowCovered: true });
    const covering = await findCoveringEntries(admin, BL, (parseNetwork(`${p}::42`) as { ok: true; value: never }).value);
    expect(covering.map((e) => e.network)).toEqual([`${p}::42`, `${p}::/96`, `${p}::/64`]);
    const other = await list(admin, BL, { covers: `${p}:1::1` });
    expect(other.items.map((e) => e.network)).toEqual([`${p}::/64`]);
    const byComment = await list(admin, BL, { q: `WIDE ${p}` });
    expect(byComment.items.map((e) => e.network)).toEqual([`${p}::/64`]);
    expect(await countAddressEntries(admin, BL, entryFilterSchema.parse({ q: p }))).toBe(3);
  });

  it("answers a read that waits past Prisma's 5 s default for an interactive transaction", async () => {
    // Another session holds the table for 6 s: the summary's first query waits, its second then runs in a
    // transaction that must still be open (with the 5 s default it had expired: a 500).
    const blocker = new pg.Client({ connectionString: getDatabaseUrl() });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE address_entries IN ACCESS EXCLUSIVE MODE");
      const release = new Promise((resolve) => setTimeout(resolve, 6_000)).then(() => blocker.query("ROLLBACK"));
      const summary = await getListSummary(admin, BL);
      await release;
      expect(summary.total).toBeGreaterThanOrEqual(0);
      expect(summary.conflicts).not.toBeNull();
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  }, 30_000);
});

describe("authorization", () => {
  it("limits tenant administrators to their own tenant and keeps them off the global lists", async () => {
    const mine = await newTenant();
    const theirs = await newTenant();
    const tenantAdmin = caller("TENANT_ADMIN", mine);
    const created = await create(tenantAdmin, { kind: "tenant", tenantId: mine }, { network: "192.0.2.10" });
    expect(created.entry).toMatchObject({ list: "tenant", tenantId: mine, source: "TENANT" });
    await create(admin, { kind: "tenant", tenantId: theirs }, { network: "192.0.2.10" });

    await expectAppError(list(tenantAdmin, { kind: "tenant", tenantId: theirs }), "NOT_FOUND");
    await expectAppError(create(tenantAdmin, { kind: "tenant", tenantId: theirs }, { network: "192.0.2.11" }), "NOT_FOUND");
    await expectAppError(list(tenantAdmin, BL), "FORBIDDEN");
    await expectAppError(deleteAddressEntry(tenantAdmin, { kind: "tenant", tenantId: mine }, randomUUID()), "NOT_FOUND");
    // An entry id of another list is not found through this one.
    await expectAppError(deleteAddressEntry(admin, BL, created.entry.id), "NOT_FOUND");
    await expectAppError(create(caller("VIEWER"), BL, { network: "192.0.2.12" }), "FORBIDDEN");
    await expectAppError(list(admin, { kind: "tenant", tenantId: randomUUID() }), "NOT_FOUND", /tenant does not exist/);
    expect((await list(caller("VIEWER"), { kind: "tenant", tenantId: mine })).items).toHaveLength(1);
  });
});

describe("edit and delete", () => {
  it("edits comment, expiry and network with the same checks, and deletes with an audit record", async () => {
    const p = uniquePrefix();
    const a = await create(admin, BL, { network: `${p}::a` });
    const b = await create(admin, BL, { network: `${p}::b` });
    const edited = await updateAddressEntry(admin, BL, a.entry.id, entryUpdateSchema.parse({ comment: "edited", expiresAt: "2099-01-01T00:00:00Z" }));
    expect(edited.entry).toMatchObject({ comment: "edited", expiresAt: new Date("2099-01-01T00:00:00Z") });
    await expectAppError(updateAddressEntry(admin, BL, a.entry.id, entryUpdateSchema.parse({ network: `${p}::b` })), "CONFLICT", /already on the blocklist/);
    const moved = await updateAddressEntry(admin, BL, a.entry.id, entryUpdateSchema.parse({ network: `${p}::c`, expiresAt: null }));
    expect(moved.entry).toMatchObject({ network: `${p}::c`, expiresAt: null, comment: "edited" });

    await deleteAddressEntry(admin, BL, b.entry.id);
    await expectAppError(deleteAddressEntry(admin, BL, b.entry.id), "NOT_FOUND");
    const audit = await getDb().auditLog.findMany({ where: { objectId: { in: [a.entry.id, b.entry.id] } }, orderBy: { id: "asc" } });
    expect(audit.map((r) => r.action)).toEqual(["blocklist.create", "blocklist.create", "blocklist.update", "blocklist.update", "blocklist.delete"]);
  });

  it("bulk-deletes by selection and by filter, refusing a stale confirmed count", async () => {
    const p = uniquePrefix();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await create(admin, BL, { network: `${p}::${i}`, comment: i <= 3 ? `bulk ${p}` : "" })).entry.id);
    expect(await deleteAddressEntries(admin, BL, { ids: [ids[3]!, ids[4]!, randomUUID()] })).toEqual({ deleted: 2 });
    const filter = entryFilterSchema.parse({ q: `bulk ${p}` });
    await expectAppError(deleteAddressEntries(admin, BL, { filter, expectedCount: 2 }), "CONFLICT", /now matches 3 entries, not 2/);
    expect(await deleteAddressEntries(admin, BL, { filter, expectedCount: 3 })).toEqual({ deleted: 3 });
    expect((await list(admin, BL, { q: p })).items).toEqual([]);
    const audit = await getDb().auditLog.findMany({ where: { action: "blocklist.bulk-delete" }, orderBy: { id: "desc" }, take: 2 });
    expect(audit[0]!.after).toMatchObject({ filter: { q: `bulk ${p}`, status: "all" }, deleted: 3 });
    expect(audit[1]!.after).toMatchObject({ requested: 3, deleted: 2 });
  });
});

describe("import", () => {
  it("keeps every good line and reports every other one with its reason", async () => {
    const tenantId = await newTenant();
    const target: ListTarget = { kind: "tenant", tenantId };
    await create(admin, target, { network: "192.0.2.1" });
    await create(admin, target, { network: "198.51.100.0/24" });
    const text = [
      "# office phones",
      "192.0.2.1", // on the list already
      "192.0.2.2",
      "192.0.2.2", // duplicate of line 3
      "198.51.100.77", // covered by an existing entry
      "203.0.113.0/24",
      "203.0.113.5", // covered by line 6
      "not-an-address",
      "2001:DB8::1 # v6 phone",
      "",
    ].join("\n");
    const report = await importAddressText(admin, target, text, { format: "auto", comment: "", allowCovered: false, confirmBroad: false });
    expect(report).toMatchObject({ format: "text", lines: 9, skipped: 1, accepted: 3, duplicates: 2, covered: 2 });
    expect(report.rejected.map((r) => [r.line, r.text, r.reason])).toEqual([
      [2, "192.0.2.1", expect.stringMatching(/^Already on the tenant's IP restrictions \(since \d{4}/)],
      [4, "192.0.2.2", "Duplicate of line 3."],
      [5, "198.51.100.77", expect.stringMatching(/^Covered by 198\.51\.100\.0\/24, on the tenant's IP restrictions since/)],
      [7, "203.0.113.5", expect.stringMatching(/^Covered by 203\.0\.113\.0\/24 \(line 6\)/)],
      [8, "not-an-address", expect.stringContaining("host name")],
    ]);
    const stored = await list(admin, target, { sort: "network" });
    expect(stored.items.map((e) => [e.network, e.source, e.comment])).toEqual([
      ["192.0.2.1", "MANUAL", ""],
      ["192.0.2.2", "IMPORT", ""],
      ["198.51.100.0/24", "MANUAL", ""],
      ["203.0.113.0/24", "IMPORT", ""],
      ["2001:db8::1", "IMPORT", "v6 phone"],
    ]);
    const audit = await getDb().auditLog.findMany({ where: { action: "tenant-restriction.import", objectId: tenantId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ accepted: 3, rejected: 5, duplicates: 2, covered: 2 });

    const again = await importAddressText(admin, target, "198.51.100.77\n203.0.113.5\n", { format: "text", comment: "x", allowCovered: true, confirmBroad: false });
    expect(again).toMatchObject({ accepted: 2, rejected: [] });
  });

  it("imports across insert chunks, finding entries already on the list in any chunk", async () => {
    const tenantId = await newTenant();
    const target: ListTarget = { kind: "tenant", tenantId };
    const lines = Array.from({ length: 30_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    for (const existing of [lines[5]!, lines[12_345]!, lines[29_999]!]) await create(admin, target, { network: existing });
    lines.push(lines[77]!);
    const report = await importAddressText(admin, target, lines.reverse().join("\n"), { format: "text", comment: "bulk", allowCovered: false, confirmBroad: false });
    expect(report).toMatchObject({ lines: 30_001, accepted: 29_997, duplicates: 4 });
    expect(report.rejected.map((r) => [r.line, r.text, r.reason.replace(/ \(since.*$/, "")])).toEqual([
      [2, "10.0.117.47", "Already on the tenant's IP restrictions"],
      [17_656, "10.0.48.57", "Already on the tenant's IP restrictions"],
      [29_924, "10.0.0.77", "Duplicate of line 1."],
      [29_996, "10.0.0.5", "Already on the tenant's IP restrictions"],
    ]);
    const [row] = await getDb().$queryRaw<{ count: number; families: number; bad: number }[]>`
      SELECT count(*)::int AS count, count(DISTINCT family)::int AS families,
             count(*) FILTER (WHERE id::text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')::int AS bad
      FROM address_entries WHERE tenant_id = ${tenantId}::uuid AND source = 'IMPORT'`;
    expect(row).toEqual({ count: 29_997, families: 1, bad: 0 });
    // Newest first lists an import in network order.
    const first = await list(admin, target, { limit: 3 });
    expect(first.items.map((e) => e.network)).toEqual(["10.0.0.0", "10.0.0.1", "10.0.0.2"]);
  });

  it("reports a large mixed import line by line, across insert chunks", async () => {
    const tenantId = await newTenant();
    const target: ListTarget = { kind: "tenant", tenantId };
    await create(admin, target, { network: "192.168.0.0/16" });
    await create(admin, target, { network: "10.0.7.7" });
    const lines: string[] = [];
    const expected: { line: number; text: string; reason: unknown }[] = [];
    let skipped = 0;
    const expectRejected = (text: string, reason: unknown) => expected.push({ line: lines.length, text, reason });
    for (let i = 0; i < 24_000; i++) {
      const host = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const kind = i === 0 ? -1 : i % 5_000 === 99 ? -2 : i % 1_000;
      let line = host;
      let reason: unknown = null;
      if (kind === -1) line = "172.16.0.0/16 # lab";
      else if (kind === -2) {
        line = "2001:DB8::1";
        if (i > 99) reason = "Duplicate of line 100.";
      } else if (kind === 11) {
        line = `172.16.${(i >> 8) & 255}.${i & 255}`;
        reason = "Covered by 172.16.0.0/16 (line 1); allow covered entries to add it anyway.";
      } else if (kind === 22) {
        line = `192.168.${(i >> 8) & 255}.${i & 255}`;
        reason = expect.stringMatching(/^Covered by 192\.168\.0\.0\/16, on the tenant's IP restrictions since \d{4}-\d{2}-\d{2}; allow covered/);
      } else if (kind === 33) {
        line = `10.${((i - 30) >> 16) & 255}.${((i - 30) >> 8) & 255}.${(i - 30) & 255}`;
        reason = `Duplicate of line ${i - 30 + 1}.`;
      } else if (kind === 44) {
        line = "8.0.0.0/6";
        reason = expect.stringMatching(/ Allow broad networks to import it\.$/);
      } else if (kind === 55) {
        line = "010.1.1.1";
        reason = expect.stringContaining("leading zero");
      } else if (kind === 66) line = `${host} ; feed`;
      else if (kind === 77 || kind === 88) {
        line = kind === 77 ? "" : "# section";
        skipped++;
      } else if (host === "10.0.7.7") {
        reason = expect.stringMatching(/^Already on the tenant's IP restrictions \(since \d{4}-\d{2}-\d{2} by it-admin\)\.$/);
      }
      lines.push(line);
      if (reason !== null) expectRejected(line, reason);
    }
    const report = await importAddressText(admin, target, lines.join("\r\n"), { format: "auto", comment: "", allowCovered: false, confirmBroad: false });
    const rejected = expected.length;
    expect(report).toMatchObject({ format: "text", lines: 24_000, skipped, accepted: 24_000 - skipped - rejected, duplicates: 24 + 4 + 1, covered: 48 });
    expect(report.rejected).toEqual(expected);
    const [row] = await getDb().$queryRaw<{ count: number; feed: number }[]>`
      SELECT count(*)::int AS count, count(*) FILTER (WHERE comment = 'feed')::int AS feed
      FROM address_entries WHERE tenant_id = ${tenantId}::uuid AND source = 'IMPORT'`;
    expect(row).toEqual({ count: report.accepted, feed: 24 });
  });

  it("exports the whole list in network order", async () => {
    const tenantId = await newTenant();
    const target: ListTarget = { kind: "tenant", tenantId };
    await importAddressText(admin, target, "10.0.0.3\n10.0.0.1\n10.0.0.2\n", { format: "text", comment: "", allowCovered: false, confirmBroad: false });
    const batches: string[][] = [];
    for await (const batch of iterateAddressEntries(admin, target, 2)) batches.push(batch.map((r) => r.network));
    expect(batches).toEqual([["10.0.0.1", "10.0.0.2"], ["10.0.0.3"]]);
  });
});

describe("trust scope (whitelist)", () => {
  const operator = caller("OPERATOR");

  it("stores ALL by default and the given scope, returns it, and audits it; other lists refuse a scope", async () => {
    const p = uniquePrefix();
    const trunk = await create(admin, WL, { network: `${p}::1` });
    expect(trunk.entry.scope).toBe("ALL");
    const phones = await create(admin, WL, { network: `${p}::/64`, scope: "SIP" });
    expect(phones.entry.scope).toBe("SIP");
    // A wider SIP entry does not make an ALL host redundant, nor is it covered by it: only trust at least as wide covers.
    expect(trunk.entry.coveredBy).toBeNull();
    const [listed] = (await list(admin, WL, { covers: `${p}::1` })).items.filter((e) => e.network === `${p}::1`);
    expect(listed).toMatchObject({ scope: "ALL", coveredBy: null });
    await expectAppError(create(admin, WL, { network: `${p}::2`, scope: "NO_BAN" }), "CONFLICT", /already covered by/);
    const noBan = await create(admin, WL, { network: `${p}::2`, scope: "NO_BAN", allowCovered: true });
    expect(noBan.entry).toMatchObject({ scope: "NO_BAN", coveredBy: `${p}::/64` });
    const rows = await getDb().addressEntry.findMany({ where: { list: "WHITELIST", network: { startsWith: p } }, select: { network: true, scope: true } });
    expect(Object.fromEntries(rows.map((r) => [r.network, r.scope]))).toMatchObject({ [`${p}::1`]: "ALL", [`${p}::/64`]: "SIP", [`${p}::2`]: "NO_BAN" });
    const audit = await getDb().auditLog.findFirst({ where: { action: "whitelist.create", objectId: phones.entry.id } });
    expect(audit?.after).toMatchObject({ network: `${p}::/64`, scope: "SIP" });

    const blocked = await create(admin, BL, { network: `${uniquePrefix()}::9` });
    expect(blocked.entry.scope).toBeNull();
    const refused = await expectAppError(create(admin, BL, { network: `${uniquePrefix()}::9`, scope: "SIP" }), "VALIDATION", /Only whitelist entries have a scope/);
    expect(refused.fieldErrors).toHaveProperty("scope");
    const tenantId = await newTenant();
    await expectAppError(create(admin, { kind: "tenant", tenantId }, { network: "192.0.2.10", scope: "SIP" }), "VALIDATION");
  });

  it("lets an OPERATOR write SIP and NO_BAN entries only: ALL entries cannot be created, made, changed or deleted by one", async () => {
    const p = uniquePrefix();
    const denied = await expectAppError(create(operator, WL, { network: `${p}::1` }), "FORBIDDEN", /Only an administrator can trust an address on every port/);
    expect(denied.fieldErrors).toHaveProperty("scope");
    await expectAppError(create(operator, WL, { network: `${p}::1`, scope: "ALL" }), "FORBIDDEN");
    const sip = await create(operator, WL, { network: `${p}::1`, scope: "SIP" });
    expect(sip.entry.scope).toBe("SIP");
    await expectAppError(updateAddressEntry(operator, WL, sip.entry.id, entryUpdateSchema.parse({ scope: "ALL" })), "FORBIDDEN");
    const narrowed = await updateAddressEntry(operator, WL, sip.entry.id, entryUpdateSchema.parse({ scope: "NO_BAN", comment: "softphone" }));
    expect(narrowed.entry).toMatchObject({ scope: "NO_BAN", comment: "softphone" });

    const trunk = await create(admin, WL, { network: `${p}::7`, comment: "trunk" });
    await expectAppError(updateAddressEntry(operator, WL, trunk.entry.id, entryUpdateSchema.parse({ comment: "mine now" })), "FORBIDDEN");
    await expectAppError(updateAddressEntry(operator, WL, trunk.entry.id, entryUpdateSchema.parse({ scope: "SIP" })), "FORBIDDEN");
    await expectAppError(deleteAddressEntry(operator, WL, trunk.entry.id), "FORBIDDEN");
    await expectAppError(deleteAddressEntries(operator, WL, { ids: [trunk.entry.id, sip.entry.id] }), "FORBIDDEN", /1 of these entries is scoped ALL/);
    const byFilter = { filter: entryFilterSchema.parse({ q: `${p}::/64` }), expectedCount: 2 };
    await expectAppError(deleteAddressEntries(operator, WL, byFilter), "FORBIDDEN");
    expect((await getDb().addressEntry.findUnique({ where: { id: trunk.entry.id } }))?.comment).toBe("trunk");
    // Filtered by scope, the operator's delete leaves the ALL entry alone.
    expect(await countAddressEntries(operator, WL, entryFilterSchema.parse({ q: `${p}::/64`, scope: "NO_BAN" }))).toBe(1);
    expect(await deleteAddressEntries(operator, WL, { filter: entryFilterSchema.parse({ q: `${p}::/64`, scope: "NO_BAN" }), expectedCount: 1 })).toEqual({ deleted: 1 });
    // An administrator may rescope it.
    expect((await updateAddressEntry(admin, WL, trunk.entry.id, entryUpdateSchema.parse({ scope: "SIP" }))).entry.scope).toBe("SIP");
    await expectAppError(create(caller("TENANT_ADMIN", await newTenant()), WL, { network: `${p}::8`, scope: "SIP" }), "FORBIDDEN");
  });

  it("counts only ALL entries as winning over the blocklist", async () => {
    const p = uniquePrefix();
    await create(admin, BL, { network: `${p}::/64` });
    const all = await create(admin, WL, { network: `${p}::1`, allowCovered: true });
    const sip = await create(admin, WL, { network: `${p}::2`, scope: "SIP" });
    expect(all.notices.join(" ")).toMatch(/The whitelist wins/);
    expect(sip.notices.join(" ")).toMatch(/SIP-scoped trust comes after the blocklist, so those addresses stay blocked/);
    const items = (await list(admin, WL, { q: `${p}::/64` })).items;
    expect(Object.fromEntries(items.map((e) => [e.network, e.conflictWith]))).toEqual({ [`${p}::1`]: `${p}::/64`, [`${p}::2`]: null });
    const [blockEntry] = (await list(admin, BL, { q: `${p}::/64` })).items;
    expect(blockEntry?.conflictWith).toBe(`${p}::1`);
  });

  it("imports with the import's scope or each CSV line's own, refuses ALL lines to an OPERATOR, and exports the scope", async () => {
    const p = uniquePrefix();
    const options = { format: "auto" as const, comment: "", allowCovered: false, confirmBroad: false };
    await expectAppError(importAddressText(operator, WL, `${p}::1\n`, options), "FORBIDDEN", /scope ALL/);
    await expectAppError(importAddressText(admin, BL, `${p}::1\n`, { ...options, scope: "SIP" }), "VALIDATION", /Only whitelist entries/);
    const sip = await importAddressText(operator, WL, `${p}::1\n${p}::2\n`, { ...options, scope: "SIP" });
    expect(sip).toMatchObject({ accepted: 2, rejected: [] });
    const csv = ["network,comment,scope", `${p}::10,trunk,ALL`, `${p}::11,desk,`, `${p}::12,fax,NO_BAN`, `${p}::13,x,EVERYTHING`].join("\n");
    const mixed = await importAddressText(operator, WL, csv, { ...options, scope: "SIP" });
    expect(mixed.accepted).toBe(2);
    expect(mixed.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, expect.stringMatching(/Only an administrator can trust an address on every port/)],
      [5, "Scope must be ALL, SIP or NO_BAN."],
    ]);
    const byAdmin = await importAddressText(admin, WL, csv.replace(`${p}::13,x,EVERYTHING`, `${p}::13,x,`), options);
    expect(byAdmin.accepted).toBe(2);
    const rows: Record<string, string | null> = {};
    for await (const batch of iterateAddressEntries(admin, WL)) for (const row of batch) if (row.network.startsWith(`${p}::`)) rows[row.network] = row.scope;
    expect(rows).toEqual({ [`${p}::1`]: "SIP", [`${p}::2`]: "SIP", [`${p}::10`]: "ALL", [`${p}::11`]: "SIP", [`${p}::12`]: "NO_BAN", [`${p}::13`]: "ALL" });
    const audit = await getDb().auditLog.findFirst({ where: { action: "whitelist.import", actorLabel: "it-operator" }, orderBy: { at: "desc" } });
    expect(audit?.after).toMatchObject({ scope: "SIP" });
  });
});

describe("management access", () => {
  it("replaces the list, keeping unchanged entries and auditing the difference", async () => {
    const first = await replaceManagementAccess(admin, managementReplaceSchema.parse({ entries: [{ network: "192.0.2.0/24", comment: "office" }, { network: "2001:db8::/48" }] }));
    expect(first.items.map((e) => e.network)).toEqual(["192.0.2.0/24", "2001:db8::/48"]);
    const officeId = first.items[0]!.id;
    const second = await replaceManagementAccess(
      admin,
      managementReplaceSchema.parse({ entries: [{ network: "192.0.2.0/24", comment: "office HQ" }, { network: "198.51.100.7" }] }),
    );
    expect(second).toMatchObject({ added: 1, removed: 1, updated: 1 });
    expect(second.items.map((e) => [e.network, e.comment])).toEqual([
      ["192.0.2.0/24", "office HQ"],
      ["198.51.100.7", ""],
    ]);
    expect(second.items[0]!.id).toBe(officeId);
    expect((await listManagementAccess(caller("VIEWER"))).map((e) => e.network)).toEqual(["192.0.2.0/24", "198.51.100.7"]);
    await expectAppError(replaceManagementAccess(caller("VIEWER"), managementReplaceSchema.parse({ entries: [] })), "FORBIDDEN");
    const dup = managementReplaceSchema.safeParse({ entries: [{ network: "192.0.2.1" }, { network: "192.0.2.1/32" }] });
    expect(!dup.success && dup.error.issues[0]!.message).toMatch(/listed twice/);
  });
});
