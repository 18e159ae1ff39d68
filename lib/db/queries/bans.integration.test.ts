import { randomInt, randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { setNodeUnbanner, UNBAN_JAILS, unbanAddresses, type NodeUnbanJob, type NodeUnbanOutcome } from "@/lib/observe/unban";
import { banListQuerySchema, type BanListQueryInput } from "@/lib/validation/bans";
import { listBanFilterOptions, listBanTargets, listBans, markUnbanned, recordBanObservations } from "./bans";
import { parseNetwork } from "@/lib/net/parse";
import { expectAppError } from "@/test/app-error";

afterAll(async () => {
  await disconnectDb();
});
afterEach(() => {
  setNodeUnbanner(null);
});

function caller(role: Caller["role"], tenantId: string | null = null): Caller {
  return { role, tenantId, actor: { type: "CLI", id: null, label: `it-bans-${role.toLowerCase()}` } };
}
const admin = caller("ADMIN");
const viewer = caller("VIEWER");

/** A fresh IPv6 /64 per test: ban_events is shared by the whole run, so each test filters on its own network. */
function uniquePrefix(): string {
  return `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
}

async function newNode(name = "it-bans"): Promise<string> {
  const node = await getDb().node.create({ data: { name: `${name}-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true } });
  return node.id;
}

const list = (c: Caller, input: BanListQueryInput) => listBans(c, banListQuerySchema.parse(input));

const minutes = (n: number) => n * 60_000;

describe("recordBanObservations", () => {
  it("inserts new bans, updates bans still present, closes bans that are gone, per polled jail only", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    const t0 = new Date(Date.now() - minutes(10));
    const first = await recordBanObservations(
      node,
      {
        jails: ["rampart-asterisk", "rampart-recidive"],
        bans: [
          { jail: "rampart-asterisk", address: `${p}::1`, bannedAt: t0, expiresAt: new Date(t0.getTime() + minutes(60)), country: "DE" },
          { jail: "rampart-asterisk", address: `${p}::2`, bannedAt: t0, expiresAt: new Date(t0.getTime() + minutes(60)) },
          { jail: "rampart-recidive", address: `${p}::3`, bannedAt: null, expiresAt: null },
        ],
      },
      t0,
    );
    expect(first).toMatchObject({ inserted: 3, updated: 0, closed: 0 });
    expect(first.newBans.map((b) => b.address).sort()).toEqual([`${p}::1`, `${p}::2`, `${p}::3`]);

    // Next poll: ::1 still banned with a longer expiry, ::2 gone; the recidive jail was not read this time.
    const t1 = new Date(t0.getTime() + minutes(1));
    const second = await recordBanObservations(
      node,
      { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::1`, bannedAt: t0, expiresAt: new Date(t0.getTime() + minutes(120)) }] },
      t1,
    );
    expect(second).toEqual({ inserted: 0, updated: 1, closed: 1, newBans: [] });

    const rows = await getDb().$queryRaw<{ address: string; jail: string; last_seen_at: Date; expires_at: Date | null; unbanned_at: Date | null; country: string | null }[]>`
      SELECT abbrev(address) AS address, jail, last_seen_at, expires_at, unbanned_at, country FROM ban_events
      WHERE node_id = ${node}::uuid ORDER BY address`;
    expect(rows).toEqual([
      { address: `${p}::1`, jail: "rampart-asterisk", last_seen_at: t1, expires_at: new Date(t0.getTime() + minutes(120)), unbanned_at: null, country: "DE" },
      { address: `${p}::2`, jail: "rampart-asterisk", last_seen_at: t1, expires_at: new Date(t0.getTime() + minutes(60)), unbanned_at: t1, country: null },
      { address: `${p}::3`, jail: "rampart-recidive", last_seen_at: t0, expires_at: null, unbanned_at: null, country: null },
    ]);
  });

  it("treats a later ban start as a new ban (lifted and banned again between polls)", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    const t0 = new Date(Date.now() - minutes(30));
    const ban = (bannedAt: Date) => ({ jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::7`, bannedAt, expiresAt: null }] });
    await recordBanObservations(node, ban(t0), t0);
    const again = await recordBanObservations(node, ban(new Date(t0.getTime() + minutes(5))), new Date(t0.getTime() + minutes(5)));
    expect(again).toMatchObject({ inserted: 1, updated: 0, closed: 1 });
  });

  it("refuses addresses the strict parser refuses and bans of jails not listed", async () => {
    const node = await newNode();
    await expectAppError(recordBanObservations(node, { jails: ["j"], bans: [{ jail: "j", address: "010.1.1.1", bannedAt: null, expiresAt: null }] }, new Date()), "VALIDATION");
    await expectAppError(recordBanObservations(node, { jails: ["j"], bans: [{ jail: "k", address: "198.18.0.1", bannedAt: null, expiresAt: null }] }, new Date()), "VALIDATION");
  });
});

describe("listBans", () => {
  async function seedCluster() {
    const p = uniquePrefix();
    const [a, b] = [await newNode("it-bans-a"), await newNode("it-bans-b")];
    const now = Date.now();
    const at = (m: number) => new Date(now - minutes(m));
    // ::1 banned on both nodes (two jails), ::2 on a only, ::3 expired (not current), ::4 with 2 earlier bans.
    await recordBanObservations(a, { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::4`, bannedAt: at(300), expiresAt: null }] }, at(300));
    await recordBanObservations(a, { jails: ["rampart-asterisk"], bans: [] }, at(250));
    await recordBanObservations(a, { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::4`, bannedAt: at(200), expiresAt: null }] }, at(200));
    await recordBanObservations(a, { jails: ["rampart-asterisk"], bans: [] }, at(150));
    await recordBanObservations(
      a,
      {
        jails: ["rampart-asterisk"],
        bans: [
          { jail: "rampart-asterisk", address: `${p}::1`, bannedAt: at(30), expiresAt: new Date(now + minutes(30)), country: "NL" },
          { jail: "rampart-asterisk", address: `${p}::2`, bannedAt: at(20), expiresAt: new Date(now + minutes(40)), country: "FR" },
          { jail: "rampart-asterisk", address: `${p}::3`, bannedAt: at(90), expiresAt: at(5) },
          { jail: "rampart-asterisk", address: `${p}::4`, bannedAt: at(10), expiresAt: new Date(now + minutes(50)), country: "US" },
        ],
      },
      at(1),
    );
    await recordBanObservations(b, { jails: ["rampart-recidive"], bans: [{ jail: "rampart-recidive", address: `${p}::1`, bannedAt: at(15), expiresAt: null, country: "NL" }] }, at(1));
    return { p, a, b };
  }

  it("groups current bans per address across nodes, with jails, nodes, times and earlier bans", async () => {
    const { p, a, b } = await seedCluster();
    const page = await list(viewer, { q: `${p}::/64` });
    expect(page.items.map((i) => i.address)).toEqual([`${p}::4`, `${p}::1`, `${p}::2`]);
    const one = page.items.find((i) => i.address === `${p}::1`)!;
    expect(one).toMatchObject({ family: 6, country: "NL", jails: ["rampart-asterisk", "rampart-recidive"], expiresAt: null, priorBanCount: 0 });
    expect(one.nodes.map((n) => n.id).sort()).toEqual([a, b].sort());
    expect(one.bannedAt.getTime()).toBeGreaterThan(one.firstSeenAt.getTime() - minutes(60));
    const four = page.items.find((i) => i.address === `${p}::4`)!;
    expect(four).toMatchObject({ priorBanCount: 2, country: "US", jails: ["rampart-asterisk"] });
    expect(four.expiresAt).not.toBeNull();
    expect(page.nextCursor).toBeNull();
    expect(page.prevCursor).toBeNull();
  });

  it("filters by address, country, jail and node, and sorts by address and last seen", async () => {
    const { p, b } = await seedCluster();
    const addresses = async (input: BanListQueryInput) => (await list(admin, { q: `${p}::/64`, ...input })).items.map((i) => i.address);
    expect(await addresses({ q: `${p}::2` })).toEqual([`${p}::2`]);
    expect(await addresses({ country: "fr" })).toEqual([`${p}::2`]);
    expect(await addresses({ jail: "rampart-recidive" })).toEqual([`${p}::1`]);
    expect(await addresses({ node: b })).toEqual([`${p}::1`]);
    expect(await addresses({ sort: "address" })).toEqual([`${p}::1`, `${p}::2`, `${p}::4`]);
    expect(await addresses({ q: `${p}::3` })).toEqual([]);
  });

  it("pages forward and back with keyset cursors, in every sort", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    const now = Date.now();
    const bans = Array.from({ length: 7 }, (_, i) => ({ jail: "rampart-asterisk", address: `${p}::${(i + 1).toString(16)}`, bannedAt: new Date(now - minutes(i * 3)), expiresAt: null }));
    await recordBanObservations(node, { jails: ["rampart-asterisk"], bans }, new Date(now));
    for (const sort of ["bannedAt", "lastSeen", "address"] as const) {
      const all = (await list(admin, { q: `${p}::/64`, sort, limit: 50 })).items.map((i) => i.address);
      expect(all).toHaveLength(7);
      const seen: string[] = [];
      let page = await list(admin, { q: `${p}::/64`, sort, limit: 3 });
      const pages = [page];
      seen.push(...page.items.map((i) => i.address));
      while (page.nextCursor) {
        page = await list(admin, { q: `${p}::/64`, sort, limit: 3, cursor: page.nextCursor });
        pages.push(page);
        seen.push(...page.items.map((i) => i.address));
      }
      expect(seen).toEqual(all);
      expect(pages.map((pg) => pg.items.length)).toEqual([3, 3, 1]);
      const back = await list(admin, { q: `${p}::/64`, sort, limit: 3, cursor: pages[2]!.prevCursor! });
      expect(back.items.map((i) => i.address)).toEqual(all.slice(3, 6));
      expect(back.nextCursor).not.toBeNull();
    }
    // Latest ban first by default.
    expect((await list(admin, { q: `${p}::/64` })).items.map((i) => i.address)).toEqual(bans.map((b) => b.address));
  });

  it("refuses a cursor of another sort or a forged one with VALIDATION", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    await recordBanObservations(node, { jails: ["j"], bans: [1, 2].map((n) => ({ jail: "j", address: `${p}::${n}`, bannedAt: null, expiresAt: null })) }, new Date());
    const page = await list(admin, { q: `${p}::/64`, limit: 1 });
    await expectAppError(list(admin, { q: `${p}::/64`, sort: "address", cursor: page.nextCursor! }), "VALIDATION");
    await expectAppError(list(admin, { cursor: Buffer.from(JSON.stringify(["bannedAt", "after", "x", "1.2.3.4' OR 1=1"])).toString("base64url") }), "VALIDATION");
  });
});

describe("tenant scope", () => {
  async function tenantWith(network: string): Promise<string> {
    const tenant = await getDb().tenant.create({ data: { name: `it-bans-${randomUUID()}` }, select: { id: true } });
    await getDb().addressEntry.create({ data: { list: "TENANT_RESTRICTION", network, family: 6, tenantId: tenant.id } });
    return tenant.id;
  }

  it("shows a tenant admin only the bans inside the tenant's networks and refuses others' addresses", async () => {
    const p = uniquePrefix();
    const q = uniquePrefix();
    const node = await newNode();
    await recordBanObservations(
      node,
      { jails: ["rampart-asterisk"], bans: [`${p}::1`, `${q}::1`].map((address) => ({ jail: "rampart-asterisk", address, bannedAt: null, expiresAt: null })) },
      new Date(),
    );
    const tenant = caller("TENANT_ADMIN", await tenantWith(`${p}::/64`));
    const mine = await list(tenant, {});
    expect(mine.items.map((i) => i.address)).toContain(`${p}::1`);
    expect(mine.items.map((i) => i.address)).not.toContain(`${q}::1`);
    expect((await list(tenant, { q: `${q}::/64` })).items).toEqual([]);

    const other = parseNetwork(`${q}::1`);
    if (!other.ok) throw new Error(other.error);
    await expectAppError(listBanTargets(tenant, { addresses: [other.value], nodeIds: "all" }), "NOT_FOUND");
    await expectAppError(markUnbanned(tenant, { targets: [{ address: `${q}::1`, nodeId: node, jail: "rampart-asterisk" }] }), "NOT_FOUND");
    await expectAppError(unbanAddresses(tenant, { addresses: [`${q}::1`], nodeIds: "all" }), "NOT_FOUND");
    // Still banned: nothing was closed by the refused calls.
    expect((await list(admin, { q: `${q}::1` })).items).toHaveLength(1);

    // A tenant without restriction networks sees nothing at all.
    const empty = await getDb().tenant.create({ data: { name: `it-bans-${randomUUID()}` }, select: { id: true } });
    expect((await list(caller("TENANT_ADMIN", empty.id), {})).items).toEqual([]);
    expect(await listBanFilterOptions(caller("TENANT_ADMIN", empty.id))).toEqual({ nodes: [], jails: [], countries: [] });
    expect((await listBanFilterOptions(tenant)).nodes.map((n) => n.id)).toContain(node);
  });

  it("lets a tenant admin unban inside the tenant but not whitelist", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    await recordBanObservations(node, { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::5`, bannedAt: null, expiresAt: null }] }, new Date());
    const tenant = caller("TENANT_ADMIN", await tenantWith(`${p}::/64`));
    setNodeUnbanner(async (job) => job.jails.flatMap((jail) => job.addresses.map((address) => ({ address, jail, state: jail === "rampart-asterisk" ? ("unbanned" as const) : ("not-banned" as const) }))));
    await expectAppError(unbanAddresses(tenant, { addresses: [`${p}::5`], nodeIds: "all", then: "whitelist" }), "FORBIDDEN");
    expect((await list(admin, { q: `${p}::5` })).items).toHaveLength(1);
    const result = await unbanAddresses(tenant, { addresses: [`${p}::5`], nodeIds: [node] });
    expect(result.unbans).toEqual([expect.objectContaining({ address: `${p}::5`, nodeId: node, jail: "rampart-asterisk", isUnbanned: true })]);
    expect((await list(admin, { q: `${p}::5` })).items).toEqual([]);
  });
});

describe("unbanAddresses", () => {
  it("answers “No node connection available” when no unbanner is registered, changing nothing", async () => {
    const p = uniquePrefix();
    const node = await newNode();
    await recordBanObservations(node, { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::1`, bannedAt: null, expiresAt: null }] }, new Date());
    await expectAppError(unbanAddresses(admin, { addresses: [`${p}::1`], nodeIds: "all", then: "whitelist" }), "CONFLICT", /No node connection available/);
    expect((await list(admin, { q: `${p}::1` })).items).toHaveLength(1);
    expect(await getDb().addressEntry.count({ where: { list: "WHITELIST", network: `${p}::1` } })).toBe(0);
  });

  /** A fake node: per node id, the (jail, address) bans it holds; unbanning lifts them unless the node is stubborn. */
  function fakeNodes(held: Map<string, Set<string>>, options: { stubborn?: string[]; unreachable?: string[] } = {}) {
    const jobs: NodeUnbanJob[] = [];
    setNodeUnbanner(async (job) => {
      jobs.push(job);
      if (options.unreachable?.includes(job.nodeId)) throw new Error(`Cannot reach ${job.nodeName}: connection refused`);
      const bans = held.get(job.nodeId) ?? new Set<string>();
      return job.jails.flatMap((jail) =>
        job.addresses.map((address): NodeUnbanOutcome => {
          const key = `${jail} ${address}`;
          if (!bans.has(key)) return { address, jail, state: "not-banned" };
          if (options.stubborn?.includes(job.nodeId)) return { address, jail, state: "still-banned", message: "still listed" };
          bans.delete(key);
          return { address, jail, state: "unbanned" };
        }),
      );
    });
    return jobs;
  }

  it("asks every jail on every chosen node, closes only what the node confirmed, audits, then whitelists", async () => {
    const p = uniquePrefix();
    const [a, b] = [await newNode("it-unban-a"), await newNode("it-unban-b")];
    const ban = (address: string, jail = "rampart-asterisk") => ({ jail, address, bannedAt: null, expiresAt: null });
    await recordBanObservations(a, { jails: ["rampart-asterisk", "rampart-recidive"], bans: [ban(`${p}::1`), ban(`${p}::1`, "rampart-recidive"), ban(`${p}::2`)] }, new Date());
    await recordBanObservations(b, { jails: ["rampart-asterisk"], bans: [ban(`${p}::1`)] }, new Date());
    // Node b does not lift its ban: it must stay current.
    const held = new Map([
      [a, new Set([`rampart-asterisk ${p}::1`, `rampart-recidive ${p}::1`, `rampart-asterisk ${p}::2`])],
      [b, new Set([`rampart-asterisk ${p}::1`])],
    ]);
    const jobs = fakeNodes(held, { stubborn: [b] });
    const result = await unbanAddresses(admin, { addresses: [`${p}::1`, `${p}::9`], nodeIds: [a, b], then: "whitelist", comment: "customer office", expiresAt: new Date(Date.now() + minutes(60)).toISOString() });
    expect(jobs.map((j) => [j.nodeId, j.jails, j.addresses]).sort()).toEqual(
      [
        [a, [...UNBAN_JAILS], [`${p}::1`, `${p}::9`]],
        [b, [...UNBAN_JAILS], [`${p}::1`, `${p}::9`]],
      ].sort(),
    );
    expect(result.unbans.filter((u) => u.isUnbanned).map((u) => [u.nodeId, u.jail]).sort()).toEqual([[a, "rampart-asterisk"], [a, "rampart-recidive"]].sort());
    expect(result.unbans.find((u) => u.nodeId === b)).toMatchObject({ isUnbanned: false, message: "still listed" });
    expect(result.nodes.map((n) => [n.address, n.nodeId, n.outcome]).sort()).toEqual(
      [
        [`${p}::1`, a, "unbanned"],
        [`${p}::1`, b, "still-banned"],
        [`${p}::9`, a, "not-banned"],
        [`${p}::9`, b, "not-banned"],
      ].sort(),
    );
    expect(result.notBanned).toEqual([`${p}::9`]);
    expect(result.lists.map((l) => [l.address, l.list, l.isAdded])).toEqual([
      [`${p}::1`, "whitelist", true],
      [`${p}::9`, "whitelist", true],
    ]);

    const stillCurrent = await list(admin, { q: `${p}::1` });
    expect(stillCurrent.items[0]).toMatchObject({ jails: ["rampart-asterisk"], nodes: [expect.objectContaining({ id: b })] });
    const closed = await getDb().banEvent.findMany({ where: { nodeId: a, unbannedAt: { not: null } }, select: { unbannedBy: true, jail: true } });
    expect(closed.map((c) => c.unbannedBy)).toEqual(["it-bans-admin", "it-bans-admin"]);
    const audit = await getDb().auditLog.findFirst({ where: { action: "ban.unban", objectId: `${p}::1` }, orderBy: { id: "desc" } });
    expect(audit?.after).toMatchObject({ closed: 2 });
    expect(await getDb().addressEntry.count({ where: { list: "WHITELIST", network: `${p}::1`, comment: "customer office" } })).toBe(1);
  });

  it("lifts a ban the collector never saw and reports it, audited", async () => {
    const p = uniquePrefix();
    const node = await newNode("it-unban-unseen");
    // Banned on the node (younger than the last poll, or placed straight into the set): ban_events knows nothing.
    fakeNodes(new Map([[node, new Set([`rampart-web-auth ${p}::7`])]]));
    const result = await unbanAddresses(admin, { addresses: [`${p}::7`], nodeIds: [node] });
    expect(result.unbans).toEqual([expect.objectContaining({ address: `${p}::7`, nodeId: node, jail: "rampart-web-auth", isUnbanned: true })]);
    expect(result.nodes).toEqual([expect.objectContaining({ address: `${p}::7`, nodeId: node, outcome: "unbanned", jails: ["rampart-web-auth"] })]);
    expect(result.notBanned).toEqual([]);
    const audit = await getDb().auditLog.findFirst({ where: { action: "ban.unban", objectId: `${p}::7` }, orderBy: { id: "desc" } });
    expect(audit?.after).toMatchObject({ closed: 0, targets: [{ address: `${p}::7`, nodeId: node, jail: "rampart-web-auth" }] });
  });

  it("reports a node that cannot be reached for that node only, keeping its recorded bans current", async () => {
    const p = uniquePrefix();
    const [up, down] = [await newNode("it-unban-up"), await newNode("it-unban-down")];
    const ban = { jail: "rampart-recidive", address: `${p}::3`, bannedAt: null, expiresAt: null };
    await recordBanObservations(down, { jails: ["rampart-recidive"], bans: [ban] }, new Date());
    fakeNodes(new Map([[up, new Set([`rampart-asterisk ${p}::3`])]]), { unreachable: [down] });
    const result = await unbanAddresses(admin, { addresses: [`${p}::3`, `${p}::4`], nodeIds: [up, down] });
    const outcome = (address: string, nodeId: string) => result.nodes.find((n) => n.address === address && n.nodeId === nodeId);
    expect(outcome(`${p}::3`, up)).toMatchObject({ outcome: "unbanned", jails: ["rampart-asterisk"] });
    expect(outcome(`${p}::3`, down)).toMatchObject({ outcome: "unreachable", jails: ["rampart-recidive"], message: expect.stringContaining("connection refused") });
    expect(outcome(`${p}::4`, up)).toMatchObject({ outcome: "not-banned" });
    expect(outcome(`${p}::4`, down)).toMatchObject({ outcome: "unreachable", jails: [] });
    // The recorded ban on the unreachable node is a row that was not lifted; the other node's unban went through.
    expect(result.unbans.map((u) => [u.nodeId, u.jail, u.isUnbanned]).sort()).toEqual([[down, "rampart-recidive", false], [up, "rampart-asterisk", true]].sort());
    expect((await list(admin, { q: `${p}::3` })).items[0]!.nodes.map((n) => n.id)).toEqual([down]);
  });

  it("asks every enabled node for --all, and disabled nodes only where the collector saw the ban", async () => {
    const p = uniquePrefix();
    const [on, off, offHolding] = [await newNode("it-unban-on"), await newNode("it-unban-off"), await newNode("it-unban-off-holding")];
    await getDb().node.updateMany({ where: { id: { in: [off, offHolding] } }, data: { enabled: false } });
    await recordBanObservations(offHolding, { jails: ["rampart-asterisk"], bans: [{ jail: "rampart-asterisk", address: `${p}::5`, bannedAt: null, expiresAt: null }] }, new Date());
    const jobs = fakeNodes(new Map());
    await unbanAddresses(admin, { addresses: [`${p}::5`], nodeIds: "all" });
    const asked = jobs.map((j) => j.nodeId);
    expect(asked).toContain(on);
    expect(asked).toContain(offHolding);
    expect(asked).not.toContain(off);
  });

  it("blocks without touching the nodes, and only on the chosen node and jail otherwise", async () => {
    const p = uniquePrefix();
    const [a, b] = [await newNode(), await newNode()];
    const ban = { jail: "rampart-asterisk", address: `${p}::1`, bannedAt: null, expiresAt: null };
    await recordBanObservations(a, { jails: ["rampart-asterisk"], bans: [ban] }, new Date());
    await recordBanObservations(b, { jails: ["rampart-asterisk"], bans: [ban] }, new Date());
    const blocked = await unbanAddresses(admin, { addresses: [`${p}::1`], nodeIds: "all", then: "block" });
    expect(blocked.unbans).toEqual([]);
    expect(blocked.notBanned).toEqual([]);
    expect(blocked.lists).toEqual([expect.objectContaining({ list: "blocklist", isAdded: true })]);

    const jobs = fakeNodes(new Map([[b, new Set([`rampart-asterisk ${p}::1`])]]));
    await unbanAddresses(admin, { addresses: [`${p}::1`], nodeIds: [b], jail: "rampart-asterisk" });
    expect(jobs.map((j) => [j.nodeId, j.jails])).toEqual([[b, ["rampart-asterisk"]]]);
    expect((await list(admin, { q: `${p}::1` })).items[0]!.nodes.map((n) => n.id)).toEqual([a]);
  });

  it("refuses a tenant admin's address outside the tenant's networks with a message that says so", async () => {
    const row = await getDb().tenant.create({ data: { name: `it-bans-${randomUUID()}` }, select: { id: true } });
    await getDb().addressEntry.create({ data: { list: "TENANT_RESTRICTION", network: `${uniquePrefix()}::/64`, family: 6, tenantId: row.id } });
    const tenant = caller("TENANT_ADMIN", row.id);
    const node = await newNode();
    const jobs = fakeNodes(new Map());
    await expectAppError(unbanAddresses(tenant, { addresses: [`${uniquePrefix()}::1`], nodeIds: [node] }), "NOT_FOUND", /within your tenant's networks/);
    expect(jobs).toEqual([]);
  });

  it("refuses viewers and bad input before anything happens", async () => {
    await expectAppError(unbanAddresses(viewer, { addresses: ["198.18.0.1"], nodeIds: "all" }), "FORBIDDEN");
    await expect(unbanAddresses(admin, { addresses: ["198.18.0.01"], nodeIds: "all" })).rejects.toThrow(/leading zero|not a valid|octal|198\.18\.0\.01/i);
    await expect(unbanAddresses(admin, { addresses: ["198.18.0.1"], nodeIds: "all", jail: "x; reboot" })).rejects.toThrow(/jail name/);
  });
});
