import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { parseNetwork, type IpFamily, type ParsedNetwork } from "@/lib/net/parse";
import { isJailName } from "@/lib/observe/fail2ban-status";
import type { BanListQuery, BanSort } from "@/lib/validation/bans";
import { writeAudit } from "./audit";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError, toTwoWayPage } from "./keyset-cursor";
import { isUuid } from "@/lib/validation/ids";

// Ban events (ban_events): one row per ban of one address in one jail on one node, written by the collector
// (recordBanObservations) and read by the Bans page (listBans), the CLI and the unban actions.
//
// "Current" means unbanned_at IS NULL and not expired. The collector closes events whose ban disappeared from
// the node, so the current rows are a small part of the table; the partial covering index
// ban_events_current_idx (migration 20261121140000_ban_views) holds exactly the unbanned_at IS NULL rows, so
// the page aggregates those without touching history. Expiry is checked at query time (now() cannot be in an
// index predicate). Prior-ban counts use the (address, banned_at) btree index.
//
// Tenant admins see only addresses inside their tenant's active restriction networks: the restriction is one
// OR of `address <<= network` conditions (SP-GiST probes), and anything outside answers NOT_FOUND, exactly as
// an address that is not banned at all, so other tenants' bans cannot be probed.

type Tx = Prisma.TransactionClient;
type Db = Tx | ReturnType<typeof getDb>;
const sql = Prisma.sql;

export interface BanNode {
  id: string;
  name: string;
}

export interface BannedAddressView {
  /** Canonical text (lib/net, equal to PostgreSQL's inet output). */
  address: string;
  family: IpFamily;
  country: string | null;
  jails: string[];
  nodes: BanNode[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** The latest ban start among the address's current bans matching the filter. */
  bannedAt: Date;
  /** When the last of its current bans ends; null while any of them is permanent. */
  expiresAt: Date | null;
  /** Earlier bans of the address that have ended (expired or lifted), on any node and jail. */
  priorBanCount: number;
}

export interface BanPage {
  items: BannedAddressView[];
  nextCursor: string | null;
  prevCursor: string | null;
}


const CURRENT = (alias: string) => Prisma.raw(`(${alias}.unbanned_at IS NULL AND (${alias}.expires_at IS NULL OR ${alias}.expires_at > now()))`);

// ---------------------------------------------------------------------------------------------------------
// Tenant scope
// ---------------------------------------------------------------------------------------------------------

/**
 * null: every address (not tenant-scoped). An empty array: the tenant has no networks in force. A network waiting
 * for an administrator's approval (pending_reason set) grants nothing: otherwise storing another tenant's office
 * network would show, and let one unban, that tenant's bans.
 */
async function tenantNetworks(db: Db, caller: Caller): Promise<string[] | null> {
  if (caller.tenantId === null) return null;
  const rows = await db.$queryRaw<{ network: string }[]>`
    SELECT abbrev(network) AS network FROM address_entries
    WHERE list = 'TENANT_RESTRICTION' AND tenant_id = ${caller.tenantId}::uuid AND pending_reason IS NULL
      AND (expires_at IS NULL OR expires_at > now())
    ORDER BY network`;
  return rows.map((r) => r.network);
}

/** The SQL condition limiting `alias.address` to the tenant's networks (FALSE when it has none). */
function scopeSql(networks: string[] | null, alias = "e"): Prisma.Sql {
  if (networks === null) return sql`TRUE`;
  if (networks.length === 0) return sql`FALSE`;
  const a = Prisma.raw(alias);
  return sql`(${Prisma.join(networks.map((n) => sql`${a}.address <<= ${n}::inet`), " OR ")})`;
}

/** The addresses that are not inside any of the tenant's networks (none when not tenant-scoped). */
async function addressesOutside(db: Db, networks: string[] | null, addresses: string[]): Promise<string[]> {
  if (networks === null || addresses.length === 0) return [];
  const rows = await db.$queryRaw<{ address: string }[]>`
    SELECT abbrev(a) AS address FROM unnest(${addresses}::inet[]) AS a
    WHERE NOT (a <<= ANY(${networks}::inet[]))`;
  return rows.map((r) => r.address);
}

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

interface BanRow {
  address: string;
  family: number;
  banned_at: Date;
  last_seen_at: Date;
  first_seen_at: Date;
  expires_at: Date | null;
  is_permanent: boolean;
  country: string | null;
  jails: string[];
  nodes: BanNode[] | null;
  prior: number;
}

/** ORDER BY of the page for a sort, forward; backward pages run reversed and are flipped afterwards. */
const ORDER: Record<BanSort, { forward: string; backward: string }> = {
  bannedAt: { forward: "{a}.banned_at DESC, {a}.address DESC", backward: "{a}.banned_at ASC, {a}.address ASC" },
  lastSeen: { forward: "{a}.last_seen_at DESC, {a}.address DESC", backward: "{a}.last_seen_at ASC, {a}.address ASC" },
  address: { forward: "{a}.address ASC", backward: "{a}.address DESC" },
};

interface BanCursor {
  sort: BanSort;
  direction: "after" | "before";
  /** ISO time of the sort column (empty for the address sort). */
  at: string;
  address: string;
}

function encodeBanCursor(c: BanCursor): string {
  return encodeKeysetCursor([c.sort, c.direction, c.at, c.address]);
}

function decodeBanCursor(text: string, sort: BanSort): BanCursor {
  const [cursorSort, direction, at, address] = decodeKeysetCursor(text, 4) as [string, string, string, string];
  if (cursorSort !== sort || (direction !== "after" && direction !== "before")) throw invalidCursorError();
  if (!parseNetwork(address).ok) throw invalidCursorError();
  if (sort !== "address") cursorInstant(at);
  return { sort, direction, at, address };
}

function keysetSql(c: BanCursor): Prisma.Sql {
  const isAfter = c.direction === "after";
  if (c.sort === "address") return isAfter ? sql`c.address > ${c.address}::inet` : sql`c.address < ${c.address}::inet`;
  const column = Prisma.raw(c.sort === "bannedAt" ? "c.banned_at" : "c.last_seen_at");
  return isAfter
    ? sql`(${column}, c.address) < (${c.at}::timestamptz, ${c.address}::inet)`
    : sql`(${column}, c.address) > (${c.at}::timestamptz, ${c.address}::inet)`;
}

function filterSql(query: Pick<BanListQuery, "q" | "country" | "jail" | "node">): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (query.q) conditions.push(sql`e.address <<= ${query.q.canonical}::inet`);
  if (query.country) conditions.push(sql`e.country = ${query.country}`);
  if (query.jail) conditions.push(sql`e.jail = ${query.jail}`);
  if (query.node) conditions.push(sql`e.node_id = ${query.node}::uuid`);
  return conditions;
}

/**
 * The aggregated page: current events matching the filter, grouped per address (through the partial index),
 * keyset-limited, then per page row the details of all its current events and its count of earlier bans.
 */
async function selectBanPage(db: Db, where: Prisma.Sql, keyset: Prisma.Sql, order: string, limit: number): Promise<BanRow[]> {
  return db.$queryRaw<BanRow[]>`
    WITH c AS (
      SELECT e.address, max(e.banned_at) AS banned_at, max(e.last_seen_at) AS last_seen_at
      FROM ban_events e
      WHERE ${where}
      GROUP BY e.address
    ), p AS (
      SELECT c.address, c.banned_at, c.last_seen_at FROM c WHERE ${keyset}
      ORDER BY ${Prisma.raw(order.replaceAll("{a}", "c"))}
      LIMIT ${limit}
    )
    SELECT abbrev(p.address) AS address, family(p.address)::int AS family, p.banned_at, p.last_seen_at,
           d.first_seen_at, d.expires_at, d.is_permanent, d.country, d.jails, d.nodes, h.prior
    FROM p
    CROSS JOIN LATERAL (
      SELECT min(x.first_seen_at) AS first_seen_at, max(x.expires_at) AS expires_at, bool_or(x.expires_at IS NULL) AS is_permanent,
             max(x.country) AS country, array_agg(DISTINCT x.jail ORDER BY x.jail) AS jails,
             (SELECT json_agg(json_build_object('id', n.id, 'name', n.name) ORDER BY n.name)
                FROM nodes n WHERE n.id IN (SELECT y.node_id FROM ban_events y WHERE y.address = p.address AND ${CURRENT("y")})) AS nodes
      FROM ban_events x WHERE x.address = p.address AND ${CURRENT("x")}
    ) d
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS prior FROM ban_events z WHERE z.address = p.address AND NOT ${CURRENT("z")}
    ) h
    ORDER BY ${Prisma.raw(order.replaceAll("{a}", "p"))}`;
}

function toView(row: BanRow): BannedAddressView {
  return {
    address: row.address,
    family: row.family === 6 ? 6 : 4,
    country: row.country?.trim() || null,
    jails: row.jails,
    nodes: row.nodes ?? [],
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    bannedAt: row.banned_at,
    expiresAt: row.is_permanent ? null : row.expires_at,
    priorBanCount: row.prior,
  };
}

function cursorOf(view: BannedAddressView, sort: BanSort, direction: "after" | "before"): string {
  const at = sort === "bannedAt" ? view.bannedAt.toISOString() : sort === "lastSeen" ? view.lastSeenAt.toISOString() : "";
  return encodeBanCursor({ sort, direction, at, address: view.address });
}

/** Runs a read with JIT off (the lateral probes make the planner overestimate, and compiling costs more than running). */
async function read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return getDb().$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL jit = off");
    return work(tx);
  });
}

/**
 * One keyset page of currently banned addresses across the cluster, grouped per address, filtered by address or
 * network (containment), country, jail and node, sorted by latest ban, last seen or address.
 */
export async function listBans(caller: Caller, query: BanListQuery): Promise<BanPage> {
  assertPermission(caller, "bans:read");
  let cursor: BanCursor | null = null;
  if (query.cursor !== undefined) cursor = decodeBanCursor(query.cursor, query.sort);
  const isBackward = cursor?.direction === "before";
  const rows = await read(async (tx) => {
    const networks = await tenantNetworks(tx, caller);
    const where = Prisma.join([sql`e.unbanned_at IS NULL`, sql`(e.expires_at IS NULL OR e.expires_at > now())`, scopeSql(networks), ...filterSql(query)], " AND ");
    const order = isBackward ? ORDER[query.sort].backward : ORDER[query.sort].forward;
    return selectBanPage(tx, where, cursor ? keysetSql(cursor) : sql`TRUE`, order, query.limit + 1);
  });
  return toTwoWayPage(rows.map(toView), { limit: query.limit, isBackward, hasCursor: cursor !== null }, (view, direction) => cursorOf(view, query.sort, direction));
}

export interface BanFilterOptions {
  nodes: BanNode[];
  jails: string[];
  countries: string[];
}

/** The nodes, jails and countries that currently have bans the caller can see (for the page's filter menus). */
export async function listBanFilterOptions(caller: Caller): Promise<BanFilterOptions> {
  assertPermission(caller, "bans:read");
  return read(async (tx) => {
    const networks = await tenantNetworks(tx, caller);
    const rows = await tx.$queryRaw<{ node_id: string; jail: string; country: string | null }[]>`
      SELECT DISTINCT e.node_id::text AS node_id, e.jail, e.country FROM ban_events e
      WHERE e.unbanned_at IS NULL AND (e.expires_at IS NULL OR e.expires_at > now()) AND ${scopeSql(networks)}`;
    const nodeIds = [...new Set(rows.map((r) => r.node_id))];
    const nodes = nodeIds.length === 0 ? [] : await tx.node.findMany({ where: { id: { in: nodeIds } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
    return {
      nodes,
      jails: [...new Set(rows.map((r) => r.jail))].sort(),
      countries: [...new Set(rows.flatMap((r) => (r.country ? [r.country.trim()] : [])))].sort(),
    };
  });
}

export interface BanTarget {
  address: string;
  nodeId: string;
  nodeName: string;
  jail: string;
}

/**
 * The (address, node, jail) triples currently banned for the given addresses, limited to the nodes and jail
 * asked for. For a tenant admin, an address outside the tenant's networks is NOT_FOUND, like an unknown one.
 */
export async function listBanTargets(
  caller: Caller,
  input: { addresses: ParsedNetwork[]; nodeIds: string[] | "all"; jail?: string },
): Promise<BanTarget[]> {
  assertPermission(caller, "bans:read");
  return read(async (tx) => {
    const networks = await tenantNetworks(tx, caller);
    const addresses = input.addresses.map((a) => a.canonical);
    const outside = await addressesOutside(tx, networks, addresses);
    if (outside.length > 0) throw outsideTenantError(outside);
    return selectBanTargets(tx, networks, addresses, input);
  });
}

/**
 * Same answer as for an address that is not banned ("No current ban of …"), so other tenants' bans cannot be
 * probed, and it says why: the address is outside the networks the caller's own tenant holds.
 */
function outsideTenantError(outside: string[]): AppError {
  return new AppError(
    "NOT_FOUND",
    `No current ban of ${outside.join(", ")} within your tenant's networks: a tenant administrator can unban only addresses inside them.`,
  );
}

async function selectBanTargets(tx: Tx, networks: string[] | null, addresses: string[], input: { nodeIds: string[] | "all"; jail?: string }): Promise<BanTarget[]> {
  if (addresses.length === 0) return [];
  const nodes = input.nodeIds === "all" ? sql`TRUE` : sql`e.node_id = ANY(${input.nodeIds}::uuid[])`;
  const jail = input.jail === undefined ? sql`TRUE` : sql`e.jail = ${input.jail}`;
  return tx.$queryRaw<BanTarget[]>`
    SELECT DISTINCT abbrev(e.address) AS address, e.node_id::text AS "nodeId", n.name AS "nodeName", e.jail
    FROM ban_events e JOIN nodes n ON n.id = e.node_id
    WHERE e.address = ANY(${addresses}::inet[]) AND ${CURRENT("e")} AND ${nodes} AND ${jail} AND ${scopeSql(networks)}
    ORDER BY 1, 3, 4`;
}

export interface UnbanScope {
  /** The nodes to ask, by name. */
  nodes: BanNode[];
  /** The current bans the collector recorded for the addresses on those nodes (what an unreachable node still holds). */
  recorded: BanTarget[];
}

/**
 * Where an unban goes: the chosen nodes, or for "all" every enabled node plus any disabled one the collector last
 * saw holding one of the addresses; the node's live state then decides, not ban_events. Tenant admins may name only
 * addresses inside their tenant's networks (NOT_FOUND otherwise, before any node is asked); a node id that does not
 * exist is NOT_FOUND.
 */
export async function listUnbanScope(
  caller: Caller,
  input: { addresses: ParsedNetwork[]; nodeIds: string[] | "all"; jail?: string },
): Promise<UnbanScope> {
  assertPermission(caller, "bans:read");
  return read(async (tx) => {
    const networks = await tenantNetworks(tx, caller);
    const addresses = input.addresses.map((a) => a.canonical);
    const outside = await addressesOutside(tx, networks, addresses);
    if (outside.length > 0) throw outsideTenantError(outside);
    const recorded = await selectBanTargets(tx, networks, addresses, input);
    let nodes: BanNode[];
    if (input.nodeIds === "all") {
      const holding = [...new Set(recorded.map((r) => r.nodeId))];
      nodes = await tx.node.findMany({ where: { OR: [{ enabled: true }, { id: { in: holding } }] }, select: { id: true, name: true }, orderBy: { name: "asc" } });
    } else {
      nodes = await tx.node.findMany({ where: { id: { in: input.nodeIds } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
      if (nodes.length !== input.nodeIds.length) throw new AppError("NOT_FOUND", "One of the chosen nodes does not exist.");
    }
    return { nodes, recorded };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------------------

export interface ObservedBan {
  jail: string;
  /** Canonical text; re-checked here with the strict parser. */
  address: string;
  /** From fail2ban's timed list; null when only the status listed it (the first sighting is used). */
  bannedAt: Date | null;
  expiresAt: Date | null;
  country?: string | null;
}

export interface BanObservation {
  /** The jails whose complete ban list this observation holds: current events of other jails are left alone. */
  jails: string[];
  bans: ObservedBan[];
}

export interface ObservationResult {
  inserted: number;
  updated: number;
  closed: number;
  /** Bans seen for the first time (for notifications). */
  newBans: { jail: string; address: string; bannedAt: Date }[];
}

/** A ban seen again with a start this much later than the stored one is a new ban (unbanned and re-banned between polls). */
const REBAN_TOLERANCE_MS = 2_000;

/**
 * Merges one poll of a node's fail2ban jails into ban_events, in one transaction (serialised per node): a new
 * ban inserts an event; a ban still present updates last_seen_at and its expiry; a current event of a polled
 * jail that the node no longer lists is closed (unbanned_at: its expiry if that has passed, else `now`).
 */
export async function recordBanObservations(nodeId: string, observation: BanObservation, now: Date): Promise<ObservationResult> {
  const jails = [...new Set(observation.jails)];
  for (const jail of jails) if (!isJailName(jail)) throw new AppError("VALIDATION", `Not a jail name: ${jail}`);
  const observed = new Map<string, ObservedBan & { family: IpFamily }>();
  for (const ban of observation.bans) {
    if (!jails.includes(ban.jail)) throw new AppError("VALIDATION", `Ban in jail ${ban.jail}, which the observation does not list.`);
    const parsed = parseNetwork(ban.address);
    if (!parsed.ok) throw new AppError("VALIDATION", `Observed address does not parse: ${parsed.error}`);
    const country = ban.country && /^[A-Z]{2}$/.test(ban.country) ? ban.country : null;
    observed.set(`${ban.jail}\u0000${parsed.value.canonical}`, { ...ban, address: parsed.value.canonical, family: parsed.value.family, country });
  }
  if (jails.length === 0) return { inserted: 0, updated: 0, closed: 0, newBans: [] };

  return getDb().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rampart:ban-observe:${nodeId}`}))`;
      const current = await tx.$queryRaw<{ id: bigint; jail: string; address: string; banned_at: Date }[]>`
        SELECT e.id, e.jail, abbrev(e.address) AS address, e.banned_at FROM ban_events e
        WHERE e.node_id = ${nodeId}::uuid AND e.jail = ANY(${jails}::text[]) AND e.unbanned_at IS NULL`;

      const toUpdate: { id: bigint; expiresAt: Date | null }[] = [];
      const toClose: bigint[] = [];
      const matched = new Set<string>();
      for (const row of current) {
        const key = `${row.jail}\u0000${row.address}`;
        const ban = observed.get(key);
        const isSameBan = ban !== undefined && !matched.has(key) && (ban.bannedAt === null || ban.bannedAt.getTime() - row.banned_at.getTime() < REBAN_TOLERANCE_MS);
        if (isSameBan) {
          matched.add(key);
          toUpdate.push({ id: row.id, expiresAt: ban.expiresAt });
        } else {
          toClose.push(row.id);
        }
      }
      const toInsert = [...observed.entries()].filter(([key]) => !matched.has(key)).map(([, ban]) => ban);

      if (toClose.length > 0) {
        await tx.$executeRaw`
          UPDATE ban_events SET unbanned_at = LEAST(${now}::timestamptz, COALESCE(expires_at, ${now}::timestamptz)), last_seen_at = GREATEST(last_seen_at, LEAST(${now}::timestamptz, COALESCE(expires_at, ${now}::timestamptz)))
          WHERE id = ANY(${toClose}::bigint[]) AND unbanned_at IS NULL`;
      }
      if (toUpdate.length > 0) {
        await tx.$executeRaw`
          UPDATE ban_events e SET last_seen_at = ${now}::timestamptz, expires_at = u.expires_at
          FROM unnest(${toUpdate.map((u) => u.id)}::bigint[], ${toUpdate.map((u) => u.expiresAt?.toISOString() ?? null)}::timestamptz[]) AS u(id, expires_at)
          WHERE e.id = u.id`;
      }
      if (toInsert.length > 0) {
        await tx.$executeRaw`
          INSERT INTO ban_events (node_id, jail, address, family, country, first_seen_at, last_seen_at, banned_at, expires_at)
          SELECT ${nodeId}::uuid, i.jail, i.address, i.family, i.country, ${now}::timestamptz, ${now}::timestamptz, i.banned_at, i.expires_at
          FROM unnest(
            ${toInsert.map((b) => b.jail)}::text[],
            ${toInsert.map((b) => b.address)}::inet[],
            ${toInsert.map((b) => b.family)}::smallint[],
            ${toInsert.map((b) => b.country ?? null)}::text[],
            ${toInsert.map((b) => (b.bannedAt ?? now).toISOString())}::timestamptz[],
            ${toInsert.map((b) => b.expiresAt?.toISOString() ?? null)}::timestamptz[]
          ) AS i(jail, address, family, country, banned_at, expires_at)`;
      }
      return {
        inserted: toInsert.length,
        updated: toUpdate.length,
        closed: toClose.length,
        newBans: toInsert.map((b) => ({ jail: b.jail, address: b.address, bannedAt: b.bannedAt ?? now })),
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

export interface MarkUnbanned {
  /** The (address, node, jail) bans the node confirmed lifted. */
  targets: { address: string; nodeId: string; jail: string }[];
}

/**
 * Records bans an administrator lifted (after the node confirmed it): closes their current events with the
 * caller as unbanned_by, and audits it. A tenant admin may only close bans inside the tenant's networks.
 */
export async function markUnbanned(caller: Caller, input: MarkUnbanned, now: Date = new Date()): Promise<{ closed: number }> {
  assertPermission(caller, "bans:write");
  const targets = input.targets.map((t) => {
    const parsed = parseNetwork(t.address);
    if (!parsed.ok) throw new AppError("VALIDATION", `Address does not parse: ${parsed.error}`, { addresses: [parsed.error] });
    if (!isJailName(t.jail)) throw new AppError("VALIDATION", `Not a jail name: ${t.jail}`);
    if (!isUuid(t.nodeId)) throw new AppError("VALIDATION", `Not a node id: ${t.nodeId}`);
    return { address: parsed.value, nodeId: t.nodeId, jail: t.jail };
  });
  if (targets.length === 0) return { closed: 0 };
  return getDb().$transaction(async (tx) => {
    const networks = await tenantNetworks(tx, caller);
    const outside = await addressesOutside(tx, networks, targets.map((t) => t.address.canonical));
    if (outside.length > 0) throw outsideTenantError(outside);
    const closed = await tx.$executeRaw`
      UPDATE ban_events e SET unbanned_at = ${now}::timestamptz, unbanned_by = ${caller.actor.label}, last_seen_at = GREATEST(e.last_seen_at, ${now}::timestamptz)
      FROM unnest(${targets.map((t) => t.address.canonical)}::inet[], ${targets.map((t) => t.nodeId)}::uuid[], ${targets.map((t) => t.jail)}::text[]) AS u(address, node_id, jail)
      WHERE e.address = u.address AND e.node_id = u.node_id AND e.jail = u.jail AND e.unbanned_at IS NULL AND ${scopeSql(networks)}`;
    await writeAudit(tx, caller.actor, {
      action: "ban.unban",
      objectType: "ban",
      // The address as object id when one address was unbanned (on any number of nodes and jails).
      objectId: new Set(targets.map((t) => t.address.canonical)).size === 1 ? targets[0]!.address.canonical : null,
      after: { targets: targets.slice(0, 1_000).map((t) => ({ address: t.address.canonical, nodeId: t.nodeId, jail: t.jail })), closed },
    });
    return { closed };
  });
}
