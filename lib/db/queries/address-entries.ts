import { randomBytes } from "node:crypto";
import { assertPermission, assertTenantAccess, type Caller } from "@/lib/auth/caller";
import { isTenantScoped } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AddressSource } from "@/lib/generated/prisma/enums";
import { analyseCoverageColumns, sortByNetworkColumns, VERDICT } from "@/lib/lists/coverage";
import { decodeCursor, encodeCursor, type ListCursor } from "@/lib/lists/cursor";
import { candidateText, parseImportColumns, scopeAt, type ImportColumns, type RejectedLine } from "@/lib/lists/import-parse";
import { conflictingKind, LIST_ENUM, LIST_WORDS, type ListEnum, type ListKind, type ListTarget } from "@/lib/lists/targets";
import { networkAt, networkColumnsOf, type NetworkColumns } from "@/lib/net/columns";
import { parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import {
  canWriteScope,
  DEFAULT_TRUST_SCOPE,
  LIST_MAX_ENTRIES,
  MAX_PAGE_SIZE,
  resolveListScope,
  SCOPE_ALL_ADMIN_MESSAGE,
  trustRank,
  type TrustScope,
  type BulkDelete,
  type EntryCreate,
  type EntryFilter,
  type EntryUpdate,
  type ImportOptions,
  type ListQuery,
  type ManagementReplace,
} from "@/lib/validation/address-entry";
import { checkTenantAdminPrefix, overBroadReason, overlapReason, pendingReasonForTenantAdmin } from "@/lib/validation/tenant";
import { writeAudit } from "./audit";
import { readTenantMinPrefixes } from "./tenants";
import { toTwoWayPage } from "./keyset-cursor";

// The one engine behind the whitelist, the blocklist, management access and tenant IP restrictions (rows of
// address_entries). Every function authorizes the caller itself: whitelist, blocklist and management need
// policy:read / policy:write; tenant restrictions need restrictions:read / restrictions:write and the caller's
// own tenant (other tenants' ids answer NOT_FOUND). Every change is audited in its own transaction.
//
// Reads that Prisma cannot express (inet operators, row-value keysets) are parameterised $queryRaw. Pages are
// keyset pages over the (list, created_at DESC, id DESC) and (list, network, id) indexes; "covers" and the
// conflict / covered-by badges use the SP-GiST inet index. Expired entries (expires_at <= now()) stay listed
// with their status but never count as covering or conflicting, as they do not count at render time.
//
// Whitelist entries carry a trust scope (ALL > SIP > NO_BAN, the enum's order reversed). ALL opens every port
// ahead of the blocklist, so it is an administrator's decision: an OPERATOR creates, edits, deletes and imports
// SIP and NO_BAN entries only, and ALL entries are read-only to them. A wider entry covers a narrower one only
// if it trusts at least as much, and only an ALL entry "wins" over an overlapping blocklist entry (a conflict):
// SIP and NO_BAN trust come after the blocklist.

export interface AddressEntryView {
  id: string;
  list: ListKind;
  /** Canonical text (lib/net, equal to PostgreSQL's inet output). */
  network: string;
  family: 4 | 6;
  comment: string;
  source: AddressSource;
  /** What a whitelist entry trusts; null on the other lists. */
  scope: TrustScope | null;
  tenantId: string | null;
  /**
   * Tenant networks only: non-null while a tenant administrator's network waits for an administrator's approval
   * (rendered nowhere, no ban visibility). A tenant administrator reads it without the other tenant's name.
   */
  pendingReason: string | null;
  expiresAt: Date | null;
  author: string;
  createdAt: Date;
  updatedAt: Date;
  isExpired: boolean;
  /** A wider active entry of the same list that already covers this one. */
  coveredBy: string | null;
  /** An active entry of the other list overlapping this one where the whitelist wins (ALL-scoped whitelist entries only). */
  conflictWith: string | null;
}

export interface AddressEntryPage {
  items: AddressEntryView[];
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface ListSummary {
  total: number;
  expired: number;
  /** Entries overlapping the other list where the whitelist wins (ALL-scoped; whitelist and blocklist only; null for the others). */
  conflicts: number | null;
}

export interface ImportReport {
  format: "text" | "csv";
  lines: number;
  skipped: number;
  accepted: number;
  /** Every rejected line, in line order. */
  rejected: RejectedLine[];
  duplicates: number;
  covered: number;
  /** Tenant networks stored waiting for an administrator's approval (a tenant administrator's overlapping or over-broad lines). */
  pending: number;
  /** What the user should know although the lines were stored (an administrator's lines overlapping other tenants' networks). */
  notices: string[];
}

type Tx = Prisma.TransactionClient;
type Db = Tx | ReturnType<typeof getDb>;
const sql = Prisma.sql;

interface Scope {
  kind: ListKind;
  list: ListEnum;
  tenantId: string | null;
  /** Tenant networks written by a tenant administrator: held to the minimum prefix, overlaps wait for approval. */
  isTenantAdmin?: boolean;
}

/** Checks the permission (and tenant) for the target; the scope every query of it applies. */
function authorize(caller: Caller, target: ListTarget, mode: "read" | "write"): Scope {
  if (target.kind === "tenant") {
    assertPermission(caller, mode === "read" ? "restrictions:read" : "restrictions:write");
    assertTenantAccess(caller, target.tenantId, "The tenant");
    return { kind: "tenant", list: LIST_ENUM.tenant, tenantId: target.tenantId, isTenantAdmin: isTenantScoped(caller.role) };
  }
  assertPermission(caller, mode === "read" ? "policy:read" : "policy:write");
  return { kind: target.kind, list: LIST_ENUM[target.kind], tenantId: null };
}

async function assertTenantExists(db: Db, scope: Scope): Promise<void> {
  if (scope.tenantId === null) return;
  const tenant = await db.tenant.findUnique({ where: { id: scope.tenantId }, select: { id: true } });
  if (!tenant) throw new AppError("NOT_FOUND", "The tenant does not exist.");
}

/** The tenant whose restrictions a page shows; NOT_FOUND for unknown ids and other tenants' ids. */
export async function getRestrictionsTenant(caller: Caller, tenantId: string): Promise<{ id: string; name: string }> {
  assertPermission(caller, "restrictions:read");
  assertTenantAccess(caller, tenantId, "The tenant");
  const tenant = await getDb().tenant.findUnique({ where: { id: tenantId }, select: { id: true, name: true } });
  if (!tenant) throw new AppError("NOT_FOUND", "The tenant does not exist.");
  return tenant;
}

// ---------------------------------------------------------------------------------------------------------
// SQL pieces
// ---------------------------------------------------------------------------------------------------------

function scopeSql(scope: Scope, alias = "e"): Prisma.Sql {
  const a = Prisma.raw(alias);
  return scope.tenantId === null
    ? sql`${a}.list = ${scope.list}::"AddressList" AND ${a}.tenant_id IS NULL`
    : sql`${a}.list = ${scope.list}::"AddressList" AND ${a}.tenant_id = ${scope.tenantId}::uuid`;
}

const ACTIVE = (alias: string) => Prisma.raw(`(${alias}.expires_at IS NULL OR ${alias}.expires_at > now())`);

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterSql(filter: EntryFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.status === "active") conditions.push(sql`${ACTIVE("e")}`);
  if (filter.status === "expired") conditions.push(sql`e.expires_at <= now()`);
  if (filter.q) {
    const q = filter.q;
    const asNetwork = parseNetwork(q);
    if (asNetwork.ok) {
      // A whole address or network: the entries inside it, through the SP-GiST index.
      conditions.push(sql`e.network <<= ${asNetwork.value.canonical}::inet`);
    } else if (/^[0-9A-Fa-f.:]+$/.test(q)) {
      // The start of an address ("192.168.", "2001:db8:"), or a comment made of such characters.
      conditions.push(sql`(abbrev(e.network) LIKE ${`${escapeLike(q.toLowerCase())}%`} OR e.comment ILIKE ${`%${escapeLike(q)}%`})`);
    } else {
      const pattern = `%${escapeLike(q)}%`;
      conditions.push(sql`(e.comment ILIKE ${pattern} OR e.author ILIKE ${pattern})`);
    }
  }
  if (filter.covers) conditions.push(sql`e.network >>= ${filter.covers.canonical}::inet`);
  if (filter.scope) conditions.push(sql`e.scope = ${filter.scope}::"TrustScope"`);
  return conditions;
}

function whereSql(scope: Scope, conditions: Prisma.Sql[]): Prisma.Sql {
  return Prisma.join([scopeSql(scope), ...conditions], " AND ");
}

interface EntryRow {
  id: string;
  list: ListEnum;
  network: string;
  family: number;
  comment: string;
  source: AddressSource;
  scope: TrustScope;
  tenant_id: string | null;
  pending_reason: string | null;
  expires_at: Date | null;
  author: string;
  created_at: Date;
  updated_at: Date;
  is_expired: boolean;
  covered_by: string | null;
  conflict_with: string | null;
}

const KIND_OF: Record<ListEnum, ListKind> = {
  WHITELIST: "whitelist",
  BLOCKLIST: "blocklist",
  MANAGEMENT: "management",
  TENANT_RESTRICTION: "tenant",
};

function toView(row: EntryRow, scope: Scope): AddressEntryView {
  return {
    id: row.id,
    list: KIND_OF[row.list],
    network: row.network,
    family: row.family === 6 ? 6 : 4,
    comment: row.comment,
    source: row.source,
    scope: row.list === "WHITELIST" ? row.scope : null,
    tenantId: row.tenant_id,
    pendingReason: row.pending_reason === null ? null : scope.isTenantAdmin ? pendingReasonForTenantAdmin(row.pending_reason) : row.pending_reason,
    expiresAt: row.expires_at,
    author: row.author,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    isExpired: row.is_expired,
    coveredBy: row.covered_by,
    conflictWith: row.conflict_with,
  };
}

/**
 * Entries of the scope matching `where`, in `order`, at most `limit`, with their status badges. The badges
 * are computed only for the rows of the page (the inner query is limited first), each by one SP-GiST probe.
 */
async function selectEntries(db: Db, scope: Scope, where: Prisma.Sql, order: string, limit: number): Promise<AddressEntryView[]> {
  const other = conflictingKind(scope.kind);
  // Only ALL-scoped whitelist entries win over the blocklist, so only they are in conflict with it.
  const conflictJoin =
    other === null
      ? sql`LEFT JOIN LATERAL (SELECT NULL::text AS network) con ON false`
      : other === "blocklist"
        ? sql`LEFT JOIN LATERAL (
          SELECT abbrev(o.network) AS network FROM address_entries o
          WHERE o.network && p.net AND o.list = 'BLOCKLIST' AND o.tenant_id IS NULL AND ${ACTIVE("o")}
          ORDER BY masklen(o.network), o.network LIMIT 1
        ) con ON NOT p.is_expired AND p.scope = 'ALL'`
        : sql`LEFT JOIN LATERAL (
          SELECT abbrev(o.network) AS network FROM address_entries o
          WHERE o.network && p.net AND o.list = 'WHITELIST' AND o.tenant_id IS NULL AND o.scope = 'ALL' AND ${ACTIVE("o")}
          ORDER BY masklen(o.network), o.network LIMIT 1
        ) con ON NOT p.is_expired`;
  const rows = await db.$queryRaw<EntryRow[]>`
    SELECT p.id::text AS id, p.list::text AS list, abbrev(p.net) AS network, p.family::int AS family, p.comment, p.source::text AS source,
           p.scope::text AS scope, p.tenant_id::text AS tenant_id, p.pending_reason, p.expires_at, p.author, p.created_at, p.updated_at, p.is_expired,
           cov.network AS covered_by, con.network AS conflict_with
    FROM (
      SELECT e.id, e.list, e.network AS net, e.family, e.comment, e.source, e.scope, e.tenant_id, e.pending_reason, e.expires_at, e.author, e.created_at, e.updated_at,
             (e.expires_at IS NOT NULL AND e.expires_at <= now()) AS is_expired
      FROM address_entries e
      WHERE ${where}
      ORDER BY ${Prisma.raw(order.replaceAll("{a}", "e"))}
      LIMIT ${limit}
    ) p
    LEFT JOIN LATERAL (
      SELECT abbrev(o.network) AS network FROM address_entries o
      WHERE o.network >> p.net AND o.list = p.list AND o.tenant_id IS NOT DISTINCT FROM p.tenant_id AND o.scope <= p.scope AND ${ACTIVE("o")}
      ORDER BY masklen(o.network) LIMIT 1
    ) cov ON NOT p.is_expired
    ${conflictJoin}
    ORDER BY ${Prisma.raw(order.replaceAll("{a}", "p").replaceAll("p.network", "p.net"))}`;
  return rows.map((row) => toView(row, scope));
}

const ORDERS = {
  newestAfter: "{a}.created_at DESC, {a}.id DESC",
  newestBefore: "{a}.created_at ASC, {a}.id ASC",
  networkAfter: "{a}.network ASC, {a}.id ASC",
  networkBefore: "{a}.network DESC, {a}.id DESC",
  covers: "masklen({a}.network) DESC, {a}.network ASC, {a}.id ASC",
} as const;

function keysetSql(cursor: ListCursor): Prisma.Sql {
  if (cursor.sort === "newest") {
    return cursor.direction === "after"
      ? sql`(e.created_at, e.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`
      : sql`(e.created_at, e.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
  }
  return cursor.direction === "after"
    ? sql`(e.network, e.id) > (${cursor.network}::inet, ${cursor.id}::uuid)`
    : sql`(e.network, e.id) < (${cursor.network}::inet, ${cursor.id}::uuid)`;
}

function cursorOf(entry: AddressEntryView, sort: ListQuery["sort"], direction: "after" | "before"): string {
  return sort === "newest"
    ? encodeCursor({ sort, direction, id: entry.id, createdAt: entry.createdAt })
    : encodeCursor({ sort, direction, id: entry.id, network: entry.network });
}

export const INVALID_CURSOR_MESSAGE = "The page link is invalid or out of date: start again from the first page.";

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

/** Text searches scan the list; on millions of entries a rare word may take long, so it is bounded. */
const SEARCH_TIMEOUT_MS = 8_000;
const SEARCH_TIMEOUT_MESSAGE =
  "This search took too long on a list this size: search for a whole address or network, or use “covers address”.";

function isScan(filter: EntryFilter): boolean {
  return filter.q !== undefined && !parseNetwork(filter.q).ok;
}

/**
 * Session settings of every transaction here. JIT off: the page query's per-row index probes make the planner
 * estimate a high cost, and compiling it (about a second) would cost far more than running it (milliseconds).
 */
async function prepareTx(tx: Tx, statementTimeoutMs?: number): Promise<void> {
  await tx.$executeRawUnsafe("SET LOCAL jit = off");
  if (statementTimeoutMs !== undefined) await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
}

/** Longest any other read of a list may run (a summary or count of millions of entries takes seconds). */
const READ_TIMEOUT_MS = 60_000;
const READ_TIMEOUT_MESSAGE = "Reading this list took longer than a minute; try again, or narrow the filter.";

/**
 * Runs a read in a transaction with prepareTx's settings (SET LOCAL needs one). Every read gets a statement
 * timeout, and the transaction outlives it: a slow read ends as its statement's clear error (a 422 for a
 * scanning search, a 503 otherwise), never as Prisma's expired interactive transaction (5 s by default), a 500.
 */
async function read<T>(filter: EntryFilter | null, work: (db: Tx) => Promise<T>): Promise<T> {
  const isSearchScan = filter !== null && isScan(filter);
  const statementTimeoutMs = isSearchScan ? SEARCH_TIMEOUT_MS : READ_TIMEOUT_MS;
  try {
    return await getDb().$transaction(
      async (tx) => {
        await prepareTx(tx, statementTimeoutMs);
        return work(tx);
      },
      { timeout: statementTimeoutMs + 10_000, maxWait: 10_000 },
    );
  } catch (error) {
    const isTimeout =
      (error instanceof Prisma.PrismaClientKnownRequestError && JSON.stringify(error.meta ?? {}).includes("57014")) ||
      (error instanceof Error && /statement timeout|canceling statement/i.test(error.message));
    if (isTimeout && isSearchScan) throw new AppError("VALIDATION", SEARCH_TIMEOUT_MESSAGE, { q: [SEARCH_TIMEOUT_MESSAGE] });
    if (isTimeout) throw new AppError("DB_UNAVAILABLE", READ_TIMEOUT_MESSAGE);
    throw error;
  }
}

/**
 * One keyset page of a list, newest first or by network. With `covers`, every entry covering the address or
 * network instead, most specific first (at most one per prefix length, so never more than one page).
 */
export async function listAddressEntries(caller: Caller, target: ListTarget, query: ListQuery): Promise<AddressEntryPage> {
  const scope = authorize(caller, target, "read");
  const conditions = filterSql(query);

  if (query.covers) {
    const items = await read(query, async (db) => {
      await assertTenantExists(db, scope);
      return selectEntries(db, scope, whereSql(scope, conditions), ORDERS.covers, MAX_PAGE_SIZE);
    });
    return { items, nextCursor: null, prevCursor: null };
  }

  let cursor: ListCursor | null = null;
  if (query.cursor !== undefined) {
    cursor = decodeCursor(query.cursor, query.sort);
    if (cursor === null) throw new AppError("VALIDATION", INVALID_CURSOR_MESSAGE, { cursor: [INVALID_CURSOR_MESSAGE] });
    conditions.push(keysetSql(cursor));
  }
  const isBackward = cursor?.direction === "before";
  const order = query.sort === "newest" ? (isBackward ? ORDERS.newestBefore : ORDERS.newestAfter) : isBackward ? ORDERS.networkBefore : ORDERS.networkAfter;
  const rows = await read(query, async (db) => {
    await assertTenantExists(db, scope);
    return selectEntries(db, scope, whereSql(scope, conditions), order, query.limit + 1);
  });
  return toTwoWayPage(rows, { limit: query.limit, isBackward, hasCursor: cursor !== null }, (entry, direction) => cursorOf(entry, query.sort, direction));
}

/** Every entry covering the address or network (expired ones included, with their status), most specific first. */
export async function findCoveringEntries(caller: Caller, target: ListTarget, address: ParsedNetwork): Promise<AddressEntryView[]> {
  const page = await listAddressEntries(caller, target, { q: undefined, covers: address, status: "all", sort: "newest", limit: MAX_PAGE_SIZE });
  return page.items;
}

export async function getAddressEntry(caller: Caller, target: ListTarget, id: string): Promise<AddressEntryView> {
  const scope = authorize(caller, target, "read");
  return read(null, (db) => findEntryOrThrow(db, scope, id));
}

async function findEntryOrThrow(db: Db, scope: Scope, id: string): Promise<AddressEntryView> {
  const [entry] = await selectEntries(db, scope, whereSql(scope, [sql`e.id = ${id}::uuid`]), ORDERS.newestAfter, 1);
  if (!entry) throw new AppError("NOT_FOUND", "The entry does not exist (it may have been deleted).");
  return entry;
}

/** How many entries match the filter (for "delete all matching" confirmations). */
export async function countAddressEntries(caller: Caller, target: ListTarget, filter: EntryFilter): Promise<number> {
  const scope = authorize(caller, target, "read");
  const [row] = await read(filter, (db) =>
    db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM address_entries e WHERE ${whereSql(scope, filterSql(filter))}`,
  );
  return row?.count ?? 0;
}

/** Totals for the list header: entries, expired entries, and conflicts with the other list. */
export async function getListSummary(caller: Caller, target: ListTarget): Promise<ListSummary> {
  const scope = authorize(caller, target, "read");
  return read(null, (db) => summarize(db, scope));
}

async function summarize(db: Tx, scope: Scope): Promise<ListSummary> {
  const [counts] = await db.$queryRaw<{ total: number; expired: number }[]>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE e.expires_at <= now())::int AS expired
    FROM address_entries e WHERE ${scopeSql(scope)}`;
  const other = conflictingKind(scope.kind);
  let conflicts: number | null = null;
  if (other !== null) {
    // Driven from each whitelist entry into the SP-GiST index: cheap while the whitelist is the small list.
    const countedId = scope.kind === "whitelist" ? Prisma.raw("w.id") : Prisma.raw("b.id");
    const [row] = await db.$queryRaw<{ count: number }[]>`
      SELECT count(DISTINCT ${countedId})::int AS count
      FROM address_entries w JOIN address_entries b ON b.network && w.network
      WHERE w.list = 'WHITELIST' AND w.tenant_id IS NULL AND w.scope = 'ALL' AND ${ACTIVE("w")}
        AND b.list = 'BLOCKLIST' AND b.tenant_id IS NULL AND ${ACTIVE("b")}`;
    conflicts = row?.count ?? 0;
  }
  return { total: counts?.total ?? 0, expired: counts?.expired ?? 0, conflicts };
}

export interface ExportRow {
  network: string;
  comment: string;
  expiresAt: Date | null;
  createdAt: Date;
  author: string;
  /** Whitelist entries only; null on the other lists. */
  scope: TrustScope | null;
}

/** The whole list in network order, in batches (keyset, so memory stays flat for millions of entries). */
export async function* iterateAddressEntries(caller: Caller, target: ListTarget, batchSize = 10_000): AsyncGenerator<ExportRow[]> {
  const scope = authorize(caller, target, "read");
  const db = getDb();
  await assertTenantExists(db, scope);
  let after: { network: string; id: string } | null = null;
  for (;;) {
    const keyset: Prisma.Sql = after === null ? sql`TRUE` : sql`(e.network, e.id) > (${after.network}::inet, ${after.id}::uuid)`;
    const rows: (ExportRow & { id: string })[] = await db.$queryRaw`
      SELECT e.id::text AS id, abbrev(e.network) AS network, e.comment, e.expires_at AS "expiresAt", e.created_at AS "createdAt", e.author,
             CASE WHEN e.list = 'WHITELIST' THEN e.scope::text END AS scope
      FROM address_entries e WHERE ${scopeSql(scope)} AND ${keyset}
      ORDER BY e.network, e.id LIMIT ${batchSize}`;
    if (rows.length === 0) return;
    yield rows.map(({ id: _id, ...row }) => row);
    const last = rows[rows.length - 1]!;
    after = { network: last.network, id: last.id };
    if (rows.length < batchSize) return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Single changes
// ---------------------------------------------------------------------------------------------------------

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function describeExisting(existing: { createdAt: Date; author: string; isExpired: boolean; expiresAt: Date | null }): string {
  const by = existing.author ? ` by ${existing.author}` : "";
  const expired = existing.isExpired && existing.expiresAt ? `; it expired on ${day(existing.expiresAt)}, so edit it to renew it` : "";
  return `since ${day(existing.createdAt)}${by}${expired}`;
}

function duplicateError(scope: Scope, network: string, existing: AddressEntryView): AppError {
  const message = `${network} is already on ${LIST_WORDS[scope.kind].name} (${describeExisting(existing)}).`;
  return new AppError("CONFLICT", message, { network: [message] });
}

function coveredError(scope: Scope, network: string, cover: AddressEntryView): AppError {
  const message =
    `${network} is already covered by ${cover.network} on ${LIST_WORDS[scope.kind].name} (${describeExisting(cover)}). ` +
    "Tick “Add anyway” (allowCovered) to store it as well.";
  return new AppError("CONFLICT", message, { allowCovered: [message] });
}

/**
 * Refuses exact duplicates and (unless allowed) entries already covered by a wider active entry that trusts at
 * least as much (`trust`: the new entry's scope; ALL on lists without scopes).
 */
async function assertAddable(
  tx: Tx,
  scope: Scope,
  network: ParsedNetwork,
  allowCovered: boolean,
  exceptId: string | null,
  trust: TrustScope = "ALL",
): Promise<void> {
  const except = exceptId === null ? sql`TRUE` : sql`e.id <> ${exceptId}::uuid`;
  const [same] = await selectEntries(tx, scope, whereSql(scope, [sql`e.network = ${network.canonical}::inet`, except]), ORDERS.newestAfter, 1);
  if (same) throw duplicateError(scope, network.canonical, same);
  if (allowCovered) return;
  const [cover] = await selectEntries(
    tx,
    scope,
    whereSql(scope, [sql`e.network >> ${network.canonical}::inet`, sql`e.scope <= ${trust}::"TrustScope"`, sql`${ACTIVE("e")}`, except]),
    "masklen({a}.network) ASC, {a}.id ASC",
    1,
  );
  if (cover) throw coveredError(scope, network.canonical, cover);
}

/** Refuses to grow a list past what the ruleset compiler accepts. */
async function assertRoom(tx: Tx, scope: Scope, adding: number): Promise<void> {
  const max = LIST_MAX_ENTRIES[scope.kind];
  if (scope.tenantId === null) {
    // The table-wide estimate is an upper bound of any one list: skip the exact count while far below.
    const [estimate] = await tx.$queryRaw<{ rows: number }[]>`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'address_entries'::regclass`;
    if (estimate && estimate.rows >= 0 && estimate.rows + adding < max * 0.9) return;
  }
  const [row] = await tx.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM (SELECT 1 FROM address_entries e WHERE ${scopeSql(scope)} LIMIT ${max + 1}) s`;
  const count = row?.count ?? 0;
  if (count + adding > max) {
    const message = `${LIST_WORDS[scope.kind].title} can hold at most ${max.toLocaleString("en-US")} entries; it has ${count.toLocaleString("en-US")}, and this would add ${adding.toLocaleString("en-US")}.`;
    throw new AppError("VALIDATION", message, { network: [message] });
  }
}

/**
 * Remarks for the user after a change that succeeded: conflicts with the other list (and, for SIP and NO_BAN
 * whitelist entries, the blocklist that still applies to them), narrower entries now redundant.
 */
async function noticesFor(tx: Tx, scope: Scope, network: string, isActive: boolean, trust: TrustScope = "ALL"): Promise<string[]> {
  const notices: string[] = [];
  if (!isActive) return notices;
  const other = conflictingKind(scope.kind);
  if (other !== null) {
    const onlyAll = other === "whitelist" ? sql`AND o.scope = 'ALL'` : sql``;
    const rows = await tx.$queryRaw<{ network: string }[]>`
      SELECT abbrev(o.network) AS network FROM address_entries o
      WHERE o.network && ${network}::inet AND o.list = ${LIST_ENUM[other]}::"AddressList" AND o.tenant_id IS NULL ${onlyAll} AND ${ACTIVE("o")}
      ORDER BY masklen(o.network), o.network LIMIT 4`;
    if (rows.length > 0) {
      const shown = rows.slice(0, 3).map((r) => r.network).join(", ") + (rows.length > 3 ? ", …" : "");
      notices.push(
        other === "whitelist"
          ? `Conflict: ${network} overlaps ${shown} on the whitelist. The whitelist wins, so those addresses stay allowed.`
          : trust === "ALL"
            ? `Conflict: ${network} overlaps ${shown} on the blocklist. The whitelist wins, so those addresses are allowed.`
            : `${network} overlaps ${shown} on the blocklist. ${trust}-scoped trust comes after the blocklist, so those addresses stay blocked.`,
      );
    }
  }
  const [narrower] = await tx.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM (
      SELECT 1 FROM address_entries e WHERE ${scopeSql(scope)} AND e.network << ${network}::inet AND e.scope >= ${trust}::"TrustScope" LIMIT 10001) s`;
  const count = narrower?.count ?? 0;
  if (count > 0) {
    notices.push(`${network} covers ${count > 10_000 ? "more than 10,000" : count.toLocaleString("en-US")} narrower ${count === 1 ? "entry" : "entries"} of ${LIST_WORDS[scope.kind].name}, which ${count === 1 ? "is" : "are"} now redundant.`);
  }
  return notices;
}

function auditObject(entry: { network: string; comment: string; expiresAt: Date | null; tenantId: string | null; scope: TrustScope | null }) {
  const base = { network: entry.network, comment: entry.comment, expiresAt: entry.expiresAt?.toISOString() ?? null, tenantId: entry.tenantId };
  return entry.scope === null ? base : { ...base, scope: entry.scope };
}

/** The scope a write stores (null: a list without scopes), refused for other lists and, for ALL, for non-administrators. */
function writableScope(caller: Caller, scope: Scope, given: TrustScope | undefined, fallback: TrustScope | undefined): TrustScope | null {
  const resolved = resolveListScope(scope.kind, given, fallback);
  if (!resolved.ok) throw new AppError("VALIDATION", resolved.error, { scope: [resolved.error] });
  if (resolved.value !== null) assertScopeWritable(caller, resolved.value);
  return resolved.value;
}

/** ALL-scoped whitelist entries are written (created, changed, deleted) by administrators only. */
function assertScopeWritable(caller: Caller, trust: TrustScope | null): void {
  if (trust !== null && !canWriteScope(caller.role, trust)) throw new AppError("FORBIDDEN", SCOPE_ALL_ADMIN_MESSAGE, { scope: [SCOPE_ALL_ADMIN_MESSAGE] });
}

/** Postgres unique violation, whether it came through a Prisma model call or a raw query. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === "P2002" || JSON.stringify(error.meta ?? {}).includes("23505");
}

function mapUniqueViolation<T>(work: () => Promise<T>, onUnique: () => AppError): Promise<T> {
  return work().catch((error: unknown) => {
    if (isUniqueViolation(error)) throw onUnique();
    throw error;
  });
}

export interface EntryChangeResult {
  entry: AddressEntryView;
  /** What the user should know although the change succeeded (conflicts, redundant entries). */
  notices: string[];
}

/** Adds one entry; duplicates and (unless allowed) covered entries are refused with CONFLICT and the reason. */
export async function createAddressEntry(caller: Caller, target: ListTarget, input: EntryCreate): Promise<EntryChangeResult> {
  const scope = authorize(caller, target, "write");
  const network = input.network;
  const trust = writableScope(caller, scope, input.scope, DEFAULT_TRUST_SCOPE);
  const source: AddressSource = caller.role === "TENANT_ADMIN" ? "TENANT" : "MANUAL";
  return mapUniqueViolation(
    () =>
      getDb().$transaction(async (tx) => {
        await prepareTx(tx);
        await assertTenantExists(tx, scope);
        const verdict = await judgeTenantNetwork(tx, scope, network);
        await assertAddable(tx, scope, network, input.allowCovered, null, trust ?? "ALL");
        await assertRoom(tx, scope, 1);
        const row = await tx.addressEntry.create({
          data: {
            list: scope.list,
            network: network.canonical,
            family: network.family,
            comment: input.comment,
            source,
            ...(trust !== null ? { scope: trust } : {}),
            tenantId: scope.tenantId,
            pendingReason: verdict.pendingReason,
            expiresAt: input.expiresAt,
            author: caller.actor.label,
          },
          select: { id: true },
        });
        const entry = await findEntryOrThrow(tx, scope, row.id);
        await writeAudit(tx, caller.actor, {
          action: `${LIST_WORDS[scope.kind].audit}.create`,
          objectType: "address-entry",
          objectId: entry.id,
          after: { ...auditObject(entry), ...pendingAudit(verdict) },
        });
        return { entry, notices: [...verdict.notices, ...(await noticesFor(tx, scope, entry.network, !entry.isExpired, trust ?? "ALL"))] };
      }),
    () => duplicateErrorPlain(scope, network.canonical),
  );
}

function duplicateErrorPlain(scope: Scope, network: string): AppError {
  const message = `${network} is already on ${LIST_WORDS[scope.kind].name}.`;
  return new AppError("CONFLICT", message, { network: [message] });
}

/**
 * Edits network, comment, expiry or (whitelist) scope of one entry (the same checks as adding apply to a new
 * network or a new scope). An ALL entry, before or after, is an administrator's to change.
 */
export async function updateAddressEntry(caller: Caller, target: ListTarget, id: string, input: EntryUpdate): Promise<EntryChangeResult> {
  const scope = authorize(caller, target, "write");
  const newTrust = writableScope(caller, scope, input.scope, undefined);
  return mapUniqueViolation(
    () =>
      getDb().$transaction(async (tx) => {
        await prepareTx(tx);
        const before = await findEntryOrThrow(tx, scope, id);
        assertScopeWritable(caller, before.scope);
        const network = input.network;
        const isNetworkChange = network !== undefined && network.canonical !== before.network;
        const trust = newTrust ?? before.scope ?? "ALL";
        const isScopeChange = newTrust !== null && newTrust !== before.scope;
        // A new network is judged like a new entry; comment and expiry changes leave a pending entry pending.
        const verdict = isNetworkChange ? await judgeTenantNetwork(tx, scope, network) : null;
        if (isNetworkChange) await assertAddable(tx, scope, network, input.allowCovered, id, trust);
        await tx.addressEntry.update({
          where: { id },
          data: {
            ...(isNetworkChange ? { network: network.canonical, family: network.family } : {}),
            ...(input.comment !== undefined ? { comment: input.comment } : {}),
            ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
            ...(isScopeChange ? { scope: newTrust } : {}),
            ...(verdict !== null && scope.tenantId !== null ? { pendingReason: verdict.pendingReason } : {}),
          },
        });
        const entry = await findEntryOrThrow(tx, scope, id);
        await writeAudit(tx, caller.actor, {
          action: `${LIST_WORDS[scope.kind].audit}.update`,
          objectType: "address-entry",
          objectId: id,
          before: auditObject(before),
          after: { ...auditObject(entry), ...(verdict !== null ? pendingAudit(verdict) : {}) },
        });
        const notices = isNetworkChange || isScopeChange ? await noticesFor(tx, scope, entry.network, !entry.isExpired, trust) : [];
        return { entry, notices: [...(verdict?.notices ?? []), ...notices] };
      }),
    () => duplicateErrorPlain(scope, input.network?.canonical ?? "The network"),
  );
}

export async function deleteAddressEntry(caller: Caller, target: ListTarget, id: string): Promise<AddressEntryView> {
  const scope = authorize(caller, target, "write");
  return getDb().$transaction(async (tx) => {
    await prepareTx(tx);
    const before = await findEntryOrThrow(tx, scope, id);
    assertScopeWritable(caller, before.scope);
    await tx.addressEntry.delete({ where: { id } });
    await writeAudit(tx, caller.actor, {
      action: `${LIST_WORDS[scope.kind].audit}.delete`,
      objectType: "address-entry",
      objectId: id,
      before: auditObject(before),
    });
    return before;
  });
}

/** How many ids a bulk audit record lists before it only counts. */
const AUDITED_IDS = 1_000;

/**
 * Deletes the selected entries, or every entry matching a filter. A filter delete is refused (CONFLICT) when
 * the filter no longer matches the count the user confirmed. One audit record, whatever the number.
 */
export async function deleteAddressEntries(caller: Caller, target: ListTarget, input: BulkDelete): Promise<{ deleted: number }> {
  const scope = authorize(caller, target, "write");
  return getDb().$transaction(
    async (tx) => {
      await prepareTx(tx);
      let deleted: number;
      let detail: Prisma.InputJsonValue;
      // ALL entries among them stop a non-administrator's delete as a whole (nothing is deleted half).
      const selection = "ids" in input ? sql`${scopeSql(scope)} AND e.id = ANY(${input.ids}::uuid[])` : whereSql(scope, filterSql(input.filter));
      if (scope.kind === "whitelist" && !canWriteScope(caller.role, "ALL")) {
        const [all] = await tx.$queryRaw<{ count: number }[]>`
          SELECT count(*)::int AS count FROM address_entries e WHERE ${selection} AND e.scope = 'ALL'`;
        const count = all?.count ?? 0;
        if (count > 0) {
          throw new AppError(
            "FORBIDDEN",
            `${count.toLocaleString("en-US")} of these entries ${count === 1 ? "is" : "are"} scoped ALL, which only an administrator can delete: nothing was deleted. Narrow the selection to SIP and NO_BAN entries.`,
          );
        }
      }
      if ("ids" in input) {
        deleted = await tx.$executeRaw`DELETE FROM address_entries e WHERE ${selection}`;
        detail = { ids: input.ids.slice(0, AUDITED_IDS), requested: input.ids.length, deleted };
      } else {
        const where = whereSql(scope, filterSql(input.filter));
        const [row] = await tx.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM address_entries e WHERE ${where}`;
        const count = row?.count ?? 0;
        if (count !== input.expectedCount) {
          throw new AppError(
            "CONFLICT",
            `The filter now matches ${count.toLocaleString("en-US")} entries, not ${input.expectedCount.toLocaleString("en-US")}: nothing was deleted. Review the list and try again.`,
          );
        }
        deleted = await tx.$executeRaw`DELETE FROM address_entries e WHERE ${where}`;
        const filter = input.filter;
        detail = { filter: { q: filter.q ?? null, covers: filter.covers?.canonical ?? null, status: filter.status, ...(filter.scope ? { scope: filter.scope } : {}) }, deleted };
      }
      await writeAudit(tx, caller.actor, {
        action: `${LIST_WORDS[scope.kind].audit}.bulk-delete`,
        objectType: "address-entry",
        objectId: scope.tenantId,
        after: detail,
      });
      return { deleted };
    },
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------------------

/**
 * Rows per INSERT statement of an import. Small enough that each statement's texts stay small, short-lived
 * objects (Prisma also keeps its last 100 debug messages, some with a statement's values, whatever DEBUG
 * says); large enough that a million rows take a few hundred statements.
 */
const IMPORT_CHUNK = 5_000;

/**
 * Version 4 UUIDs for one import, in descending order, cheaply: a random 74-bit prefix shared by the import and
 * a descending 48-bit counter, which PostgreSQL appends (see importIdSql). Unique (the counter within the
 * import, the prefix across imports) and sorted without sorting; ids are identifiers, not secrets (every read
 * checks permission and tenant).
 */
function importUuidPrefix(): string {
  const hex = randomBytes(10).toString("hex");
  const variant = ((parseInt(hex[15]!, 16) & 3) | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(16, 19)}-`;
}

const IMPORT_COUNTER_TOP = 2 ** 48 - 1;

/** Id number `position` (0-based, in insert order) of the import with `prefix`. */
function importUuid(prefix: string, position: number): string {
  return prefix + (IMPORT_COUNTER_TOP - position).toString(16).padStart(12, "0");
}

/** The same ids in SQL, for rows `start` + (ordinality - 1) of a chunk: made by PostgreSQL, not sent. */
function importIdSql(prefix: string, start: number, ordinality: Prisma.Sql): Prisma.Sql {
  return sql`(${prefix} || lpad(to_hex(${String(IMPORT_COUNTER_TOP - start)}::bigint - (${ordinality} - 1)), 12, '0'))::uuid`;
}

/** Receives the duration of each import phase (benchmarks print them). */
export type PhaseTimer = (phase: string, ms: number) => void;

function phaseClock(onPhase: PhaseTimer | undefined): (phase: string) => void {
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    onPhase?.(phase, now - last);
    last = now;
  };
}

/**
 * Imports parsed lines: every good line is stored, every other one is reported with its reason. In-file
 * duplicates, entries already on the list and (unless allowCovered) entries covered by a wider network of
 * the file or of the list are reported, not stored. One transaction, one audit record.
 *
 * Speed (a million lines in well under a minute): coverage is decided in memory against the list's active
 * non-host networks, rows are inserted in network order with random ids assigned in the same order, so every
 * index takes its rows in sequence, by INSERT … SELECT FROM unnest() in chunks; ON CONFLICT DO NOTHING
 * finds entries already on the list, which are then looked up for the report.
 */
export async function importAddressEntries(
  caller: Caller,
  target: ListTarget,
  parsed: ImportColumns,
  options: { allowCovered: boolean; scope?: TrustScope; source?: string; onPhase?: PhaseTimer },
): Promise<ImportReport> {
  const scope = authorize(caller, target, "write");
  const lap = phaseClock(options.onPhase);
  const words = LIST_WORDS[scope.kind];
  const rejected: RejectedLine[] = [...parsed.rejected];
  const networks = parsed.networks;
  const rejectCandidate = (index: number, reason: string) => {
    rejected.push({ line: parsed.line[index]!, text: candidateText(parsed, index), reason });
  };
  let duplicates = 0;
  let covered = 0;

  // The import's scope (whitelist: ALL unless given) is refused as a whole when the caller may not write it;
  // a line's own scope (CSV scope column) is checked line by line.
  const importTrust = writableScope(caller, scope, options.scope, DEFAULT_TRUST_SCOPE);
  const isScoped = importTrust !== null;
  const lineTrust = new Array<TrustScope>(isScoped ? parsed.count : 0);
  const isRefused = new Uint8Array(parsed.count);
  // An existing entry covers the lines only if it trusts at least as much as the line that trusts most.
  let coverTrust: TrustScope = "NO_BAN";
  let isMixed = false;
  if (importTrust !== null) {
    for (let i = 0; i < parsed.count; i++) {
      const trust: TrustScope = scopeAt(parsed, i) ?? importTrust;
      lineTrust[i] = trust;
      if (trust !== importTrust) isMixed = true;
      if (!canWriteScope(caller.role, trust)) {
        isRefused[i] = 1;
        rejectCandidate(i, SCOPE_ALL_ADMIN_MESSAGE);
      } else if (trustRank(trust) > trustRank(coverTrust)) {
        coverTrust = trust;
      }
    }
  } else {
    coverTrust = "ALL";
  }
  // A tenant administrator's lines wider than the minimum are refused before the coverage analysis, so a
  // refused 0.0.0.0/1 makes no line of the file "covered".
  if (scope.isTenantAdmin) {
    const minimums = await readTenantMinPrefixes(getDb());
    for (let i = 0; i < parsed.count; i++) {
      if (isRefused[i] === 1) continue;
      const refusal = checkTenantAdminPrefix(networkAt(networks, i), minimums);
      if (refusal === null) continue;
      isRefused[i] = 1;
      rejectCandidate(i, refusal);
    }
  }

  const report = await getDb().$transaction(
    async (tx) => {
      await prepareTx(tx);
      await assertTenantExists(tx, scope);
      let existing: { network: ParsedNetwork; createdAt: Date }[] = [];
      if (!options.allowCovered) {
        const rows = await tx.$queryRaw<{ network: string; created_at: Date }[]>`
          SELECT abbrev(e.network) AS network, e.created_at FROM address_entries e
          WHERE ${scopeSql(scope)} AND ${ACTIVE("e")} AND e.scope <= ${coverTrust}::"TrustScope"
            AND masklen(e.network) < CASE WHEN family(e.network) = 4 THEN 32 ELSE 128 END`;
        existing = rows.flatMap((row) => {
          const network = parseNetwork(row.network);
          return network.ok ? [{ network: network.value, createdAt: row.created_at }] : [];
        });
      }
      lap("existing networks");
      const verdicts = analyseCoverageColumns(
        networks,
        networkColumnsOf(existing.map((e) => e.network)),
        { checkCovered: !options.allowCovered, isCandidateCover: !isMixed, excluded: isRefused },
      );
      const keep = new Uint32Array(parsed.count);
      let kept = 0;
      for (let i = 0; i < parsed.count; i++) {
        const kind = verdicts.kind[i]!;
        const of = verdicts.of[i]!;
        if (isRefused[i] === 1) continue;
        if (kind === VERDICT.none) {
          keep[kept++] = i;
        } else if (kind === VERDICT.duplicate) {
          duplicates++;
          rejectCandidate(i, `Duplicate of line ${parsed.line[of]!}.`);
        } else if (kind === VERDICT.coveredByCandidate) {
          covered++;
          rejectCandidate(i, `Covered by ${networkAt(networks, of).canonical} (line ${parsed.line[of]!}); allow covered entries to add it anyway.`);
        } else {
          covered++;
          const cover = existing[of]!;
          rejectCandidate(i, `Covered by ${cover.network.canonical}, on ${words.name} since ${day(cover.createdAt)}; allow covered entries to add it anyway.`);
        }
      }

      lap("duplicate and coverage analysis");
      const tenantLines = await judgeTenantImport(tx, scope, networks, keep, kept);
      kept = tenantLines.kept;
      const pendingOf = tenantLines.pendingOf;
      lap("tenant networks");
      await assertRoom(tx, scope, kept);

      // Rows in network order, with random ids sorted the opposite way (newest-first pages then list the
      // import in network order): every index receives its keys in sequence.
      const order = sortByNetworkColumns(networks, keep.subarray(0, kept));
      const idPrefix = importUuidPrefix();
      lap("ordering and ids");
      let accepted = 0;
      for (let start = 0; start < order.length; start += IMPORT_CHUNK) {
        // Each chunk's values are made from the columns here and dropped after its statement.
        const slice = order.subarray(start, start + IMPORT_CHUNK);
        const chunkNetworks = Array.from(slice, (i) => networkAt(networks, i).canonical);
        // Each column travels as one newline-separated text, split by PostgreSQL: a parameter array of thousands
        // of values costs the client far more memory to pass than one string (none of these values holds a line
        // break: networks are canonical, comments are single-line printable ASCII, expiries ISO or empty).
        const column = (values: readonly string[]) => {
          if (values.some((value) => value.includes("\n"))) throw new Error("An import value holds a line break.");
          return values.join("\n");
        };
        const comments = Array.from(slice, (i) => parsed.comments[parsed.comment[i]!]!);
        const expiries = Array.from(slice, (i) => {
          const expiresAt = parsed.expiresAt[i]!;
          return Number.isNaN(expiresAt) ? "" : new Date(expiresAt).toISOString();
        });
        // Lists without scopes store the column's default (ALL, which means nothing there).
        const scopes = Array.from(slice, (i) => (isScoped ? lineTrust[i]! : "ALL"));
        // Tenant networks waiting for approval carry their reason (tenant names hold no line break either).
        const pendings = Array.from(slice, (i) => pendingOf.get(i) ?? "");
        const inserted = await tx.$executeRaw`
          INSERT INTO address_entries (id, list, network, family, comment, source, scope, tenant_id, expires_at, author, pending_reason)
          SELECT ${importIdSql(idPrefix, start, sql`u.k`)}, ${scope.list}::"AddressList", u.n::inet, family(u.n::inet), COALESCE(u.c, ''), 'IMPORT',
                 u.s::"TrustScope", ${scope.tenantId}::uuid, NULLIF(u.x, '')::timestamptz, ${caller.actor.label}, NULLIF(u.p, '')
          FROM unnest(string_to_array(${column(chunkNetworks)}, E'\n'), string_to_array(${column(comments)}, E'\n'),
                      string_to_array(${column(expiries)}, E'\n'), string_to_array(${column(scopes)}, E'\n'),
                      string_to_array(${column(pendings)}, E'\n')) WITH ORDINALITY AS u(n, c, x, s, p, k)
          ON CONFLICT DO NOTHING`;
        accepted += inserted;
        if (inserted === slice.length) continue;
        // Some networks were on the list already: find them for the report.
        const rows = await tx.$queryRaw<{ network: string; created_at: Date; author: string; expires_at: Date | null }[]>`
          SELECT abbrev(e.network) AS network, e.created_at, e.author, e.expires_at FROM address_entries e
          WHERE ${scopeSql(scope)} AND e.network = ANY(${chunkNetworks}::inet[])
            AND e.id NOT BETWEEN ${importUuid(idPrefix, start + slice.length - 1)}::uuid AND ${importUuid(idPrefix, start)}::uuid`;
        const now = new Date();
        const position = new Map(chunkNetworks.map((network, k) => [network, k]));
        for (const row of rows) {
          const k = position.get(row.network);
          const index = k === undefined ? undefined : slice[k];
          if (index === undefined) continue;
          duplicates++;
          const isExpired = row.expires_at !== null && row.expires_at <= now;
          rejectCandidate(index, `Already on ${words.name} (${describeExisting({ createdAt: row.created_at, author: row.author, isExpired, expiresAt: row.expires_at })}).`);
        }
      }
      lap("insert");
      let pending = 0;
      if (pendingOf.size > 0 && order.length > 0) {
        // The lines stored pending (a pending line already on the list was not stored): counted by this import's ids.
        const [row] = await tx.$queryRaw<{ count: number }[]>`
          SELECT count(*)::int AS count FROM address_entries e
          WHERE e.id BETWEEN ${importUuid(idPrefix, order.length - 1)}::uuid AND ${importUuid(idPrefix, 0)}::uuid AND e.pending_reason IS NOT NULL`;
        pending = row?.count ?? 0;
      }
      rejected.sort((a, b) => a.line - b.line);
      const summary = { format: parsed.format, lines: parsed.lines, skipped: parsed.skipped, accepted, rejected: rejected.length, duplicates, covered, pending };
      await writeAudit(tx, caller.actor, {
        action: `${words.audit}.import`,
        objectType: "address-entry",
        objectId: scope.tenantId,
        after: { ...summary, allowCovered: options.allowCovered, source: options.source ?? null, ...(isScoped ? { scope: importTrust } : {}) },
      });
      return { ...summary, rejected, notices: tenantLines.notices };
    },
    { timeout: 30 * 60_000, maxWait: 10_000 },
  );
  lap("commit");
  return report;
}

/** Parses and imports pasted text or a file's content: the one import path of the UI, API, CLI and bench. */
export async function importAddressText(
  caller: Caller,
  target: ListTarget,
  text: string,
  options: ImportOptions & { source?: string; onPhase?: PhaseTimer },
  now = new Date(),
): Promise<ImportReport> {
  const scope = authorize(caller, target, "write");
  // Refused before parsing: a scope on another list, or an ALL import by a non-administrator.
  writableScope(caller, scope, options.scope, DEFAULT_TRUST_SCOPE);
  const lap = phaseClock(options.onPhase);
  const parsed = parseImportColumns(text, {
    format: options.format,
    defaultComment: options.comment,
    confirmBroad: options.confirmBroad,
    readScope: scope.kind === "whitelist",
    now,
  });
  lap("parse");
  return importAddressEntries(caller, target, parsed, { allowCovered: options.allowCovered, scope: options.scope, source: options.source, onPhase: options.onPhase });
}

// ---------------------------------------------------------------------------------------------------------
// Management access as a whole
// ---------------------------------------------------------------------------------------------------------

/** The whole anti-lockout list (at most 10,000 entries), in network order. */
export async function listManagementAccess(caller: Caller): Promise<AddressEntryView[]> {
  const scope = authorize(caller, { kind: "management" }, "read");
  return read(null, (db) => selectEntries(db, scope, scopeSql(scope), ORDERS.networkAfter, LIST_MAX_ENTRIES.management + 1));
}

/**
 * Replaces the management access list: unchanged networks keep their id and history, changed comments and
 * expiries are updated, the rest is deleted or added. One audit record naming what changed.
 */
export async function replaceManagementAccess(
  caller: Caller,
  input: ManagementReplace,
): Promise<{ items: AddressEntryView[]; added: number; removed: number; updated: number }> {
  const scope = authorize(caller, { kind: "management" }, "write");
  return getDb().$transaction(
    async (tx) => {
      await prepareTx(tx);
      const current = await tx.addressEntry.findMany({
        where: { list: scope.list, tenantId: null },
        select: { id: true, network: true, comment: true, expiresAt: true },
      });
      const byNetwork = new Map(current.map((row) => [row.network, row]));
      const wanted = new Set(input.entries.map((e) => e.network.canonical));
      const removed = current.filter((row) => !wanted.has(row.network));
      const added = input.entries.filter((e) => !byNetwork.has(e.network.canonical));
      const updated = input.entries.filter((e) => {
        const row = byNetwork.get(e.network.canonical);
        return row !== undefined && (row.comment !== e.comment || (row.expiresAt?.getTime() ?? null) !== (e.expiresAt?.getTime() ?? null));
      });
      if (removed.length > 0) await tx.addressEntry.deleteMany({ where: { id: { in: removed.map((r) => r.id) } } });
      for (const entry of updated) {
        await tx.addressEntry.update({
          where: { id: byNetwork.get(entry.network.canonical)!.id },
          data: { comment: entry.comment, expiresAt: entry.expiresAt },
        });
      }
      if (added.length > 0) {
        await tx.addressEntry.createMany({
          data: added.map((e) => ({
            list: scope.list,
            network: e.network.canonical,
            family: e.network.family,
            comment: e.comment,
            source: "MANUAL" as const,
            expiresAt: e.expiresAt,
            author: caller.actor.label,
          })),
        });
      }
      await writeAudit(tx, caller.actor, {
        action: "management-access.replace",
        objectType: "address-entry",
        before: { networks: current.map((r) => r.network).sort() },
        after: {
          added: added.map((e) => e.network.canonical),
          removed: removed.map((r) => r.network),
          updated: updated.map((e) => e.network.canonical),
        },
      });
      const items = await selectEntries(tx, scope, scopeSql(scope), ORDERS.networkAfter, LIST_MAX_ENTRIES.management + 1);
      return { items, added: added.length, removed: removed.length, updated: updated.length };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** Whether an address (typically the caller's own) is inside an active management access entry. */
export async function isCoveredByManagementAccess(caller: Caller, address: string): Promise<boolean> {
  const scope = authorize(caller, { kind: "management" }, "read");
  const parsed = parseNetwork(address);
  if (!parsed.ok) return false;
  const rows = await getDb().$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM address_entries e WHERE ${scopeSql(scope)} AND ${ACTIVE("e")} AND e.network >>= ${parsed.value.canonical}::inet LIMIT 1`;
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// Tenant networks: the minimum prefix, overlaps with other tenants, approval
// ---------------------------------------------------------------------------------------------------------
//
// A tenant's networks give its phones SIP and RTP reach (when the exposure policy opens SIP to allowed networks
// only), SIP-scoped trust (when the tenant's auto-whitelist is on) and its administrators sight of the bans
// inside them. So a tenant administrator may not store a network wider than the administrator's minimum, and one
// that overlaps another tenant's network in force (or is over-broad) is stored pending: rendered nowhere and
// granting no ban visibility until an administrator approves it (lib/db/queries/tenants.ts approveTenantNetwork).
// Administrators' and operators' writes are in force at once; an overlap is reported back to them.

/** One lock for every write of tenant networks: two tenants cannot each store half of an overlap unseen. */
const TENANT_NETWORKS_LOCK = 0x7274_6e01;

async function lockTenantNetworks(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TENANT_NETWORKS_LOCK}::int, 0)`;
}

/** The most specific network in force of another tenant that overlaps `network` (an SQL inet), as a LATERAL body. */
function otherTenantOverlapSql(tenantId: string, network: Prisma.Sql): Prisma.Sql {
  return sql`
    SELECT t.name AS tenant, abbrev(o.network) AS network FROM address_entries o JOIN tenants t ON t.id = o.tenant_id
    WHERE o.network && ${network} AND o.list = 'TENANT_RESTRICTION' AND o.tenant_id <> ${tenantId}::uuid
      AND o.pending_reason IS NULL AND ${ACTIVE("o")}
    ORDER BY masklen(o.network) DESC, o.network LIMIT 1`;
}

interface TenantNetworkVerdict {
  /** Non-null: stored waiting for approval. */
  pendingReason: string | null;
  notices: string[];
}

function pendingAudit(verdict: TenantNetworkVerdict): { pendingReason?: string } {
  return verdict.pendingReason === null ? {} : { pendingReason: verdict.pendingReason };
}

/**
 * What one write of a tenant network becomes: refused (a tenant administrator's network wider than the
 * minimum), pending (a tenant administrator's network overlapping another tenant's in force, or over-broad), or
 * in force, with a notice when an administrator's network overlaps another tenant's. Nothing for other lists.
 */
async function judgeTenantNetwork(tx: Tx, scope: Scope, network: ParsedNetwork): Promise<TenantNetworkVerdict> {
  if (scope.tenantId === null) return { pendingReason: null, notices: [] };
  await lockTenantNetworks(tx);
  if (scope.isTenantAdmin) {
    const refusal = checkTenantAdminPrefix(network, await readTenantMinPrefixes(tx));
    if (refusal !== null) throw new AppError("VALIDATION", refusal, { network: [refusal] });
  }
  const [overlap] = await tx.$queryRaw<{ tenant: string; network: string }[]>(otherTenantOverlapSql(scope.tenantId, sql`${network.canonical}::inet`));
  const overlapText = overlap ? overlapReason(overlap.tenant, overlap.network) : null;
  if (!scope.isTenantAdmin) {
    return {
      pendingReason: null,
      notices: overlapText === null ? [] : [`${network.canonical} ${overlapText}: the administrators of both tenants now see the bans of the shared addresses.`],
    };
  }
  const reason = overlapText ?? overBroadReason(network);
  if (reason === null) return { pendingReason: null, notices: [] };
  return {
    pendingReason: reason,
    notices: [`${network.canonical} ${pendingReasonForTenantAdmin(reason)}: it waits for an administrator's approval and has no effect until then.`],
  };
}

/**
 * The same judgement for the kept lines of an import (`keep[0..kept)`): a tenant administrator's overlapping and
 * over-broad lines are stored pending; an administrator's overlapping lines are stored and summed up in a notice.
 */
async function judgeTenantImport(
  tx: Tx,
  scope: Scope,
  networks: NetworkColumns,
  keep: Uint32Array,
  kept: number,
): Promise<{ kept: number; pendingOf: Map<number, string>; notices: string[] }> {
  const pendingOf = new Map<number, string>();
  if (scope.tenantId === null || kept === 0) return { kept, pendingOf, notices: [] };
  await lockTenantNetworks(tx);
  // The minimum prefix was applied before the coverage analysis (importAddressEntries).
  const count = kept;
  const overlaps = new Map<number, string>();
  for (let start = 0; start < count; start += IMPORT_CHUNK) {
    const slice = keep.subarray(start, Math.min(count, start + IMPORT_CHUNK));
    const texts = Array.from(slice, (index) => networkAt(networks, index).canonical).join("\n");
    const rows = await tx.$queryRaw<{ k: number; tenant: string; network: string }[]>`
      SELECT u.k::int AS k, x.tenant, x.network
      FROM unnest(string_to_array(${texts}, E'\n')) WITH ORDINALITY AS u(n, k)
      CROSS JOIN LATERAL (${otherTenantOverlapSql(scope.tenantId, sql`u.n::inet`)}) x`;
    for (const row of rows) overlaps.set(slice[row.k - 1]!, overlapReason(row.tenant, row.network));
  }
  if (!scope.isTenantAdmin) {
    if (overlaps.size === 0) return { kept: count, pendingOf, notices: [] };
    const shown = [...overlaps].slice(0, 3).map(([index, reason]) => `${networkAt(networks, index).canonical} ${reason}`);
    const more = overlaps.size > 3 ? `, and ${(overlaps.size - 3).toLocaleString("en-US")} more` : "";
    const lines = overlaps.size === 1 ? "1 line overlaps" : `${overlaps.size.toLocaleString("en-US")} lines overlap`;
    return { kept: count, pendingOf, notices: [`${lines} other tenants' networks (${shown.join("; ")}${more}): the administrators of both tenants see the bans of the shared addresses.`] };
  }
  for (let k = 0; k < count; k++) {
    const index = keep[k]!;
    const reason = overlaps.get(index) ?? overBroadReason(networkAt(networks, index));
    if (reason !== null) pendingOf.set(index, reason);
  }
  return { kept: count, pendingOf, notices: [] };
}
