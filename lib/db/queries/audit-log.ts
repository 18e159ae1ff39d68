import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActorType } from "@/lib/generated/prisma/enums";
import type { AuditFilter } from "@/lib/validation/audit-log";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";

const MAX_BIGINT = 9_223_372_036_854_775_807n;

// Reading the audit log (the writer is ./audit.ts). Keyset pages on (at DESC, id DESC), which the
// (at DESC, id DESC) index serves, in either direction from a cursor: "older" (the API's nextCursor)
// and "newer" (the page's Newer link).

export interface AuditLogItem {
  /** The bigint id as text (JSON has no 64-bit integers). */
  id: string;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string | null;
  before: Prisma.JsonValue | null;
  after: Prisma.JsonValue | null;
  ip: string | null;
}

export interface AuditLogPage {
  items: AuditLogItem[];
  /** Cursor for the entries older than this page, null at the oldest. */
  olderCursor: string | null;
  /** Cursor for the entries newer than this page, null at the newest. */
  newerCursor: string | null;
}

type Row = Prisma.AuditLogGetPayload<object>;
type Key = { at: Date; id: bigint };

function toItem(row: Row): AuditLogItem {
  return { ...row, id: row.id.toString() };
}

function encodeKey(row: Key): string {
  return encodeKeysetCursor([row.at.toISOString(), row.id.toString()]);
}

function decodeKey(cursor: string): Key {
  const [at, id] = decodeKeysetCursor(cursor, 2) as [string, string];
  const date = cursorInstant(at);
  // audit_log.id is a bigint: 19 digits can still overflow it.
  if (!/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) throw invalidCursorError();
  return { at: date, id: BigInt(id) };
}

const olderThan = (key: Key): Prisma.AuditLogWhereInput => ({ OR: [{ at: { lt: key.at } }, { at: key.at, id: { lt: key.id } }] });
const newerThan = (key: Key): Prisma.AuditLogWhereInput => ({ OR: [{ at: { gt: key.at } }, { at: key.at, id: { gt: key.id } }] });

/** LIKE wildcards in user text match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterWhere(filter: AuditFilter): Prisma.AuditLogWhereInput[] {
  const where: Prisma.AuditLogWhereInput[] = [];
  if (filter.actor) where.push({ actorLabel: { contains: escapeLike(filter.actor), mode: "insensitive" } });
  if (filter.objectType) where.push({ objectType: filter.objectType });
  if (filter.objectId) where.push({ objectId: filter.objectId });
  if (filter.action) where.push({ OR: [{ action: filter.action }, { action: { startsWith: `${escapeLike(filter.action)}.` } }] });
  if (filter.from) where.push({ at: { gte: filter.from } });
  if (filter.to) where.push({ at: { lte: filter.to } });
  return where;
}

/** One page of audit entries matching the filter, newest first. */
export async function listAuditLog(
  caller: Caller,
  filter: AuditFilter,
  page: { limit: number; cursor?: string; direction?: "older" | "newer" },
): Promise<AuditLogPage> {
  assertPermission(caller, "audit:read");
  const db = getDb();
  const filters = filterWhere(filter);
  const cursor = page.cursor ? decodeKey(page.cursor) : undefined;
  const isNewer = page.direction === "newer" && cursor !== undefined;

  const rows = await db.auditLog.findMany({
    where: { AND: [...filters, ...(cursor ? [isNewer ? newerThan(cursor) : olderThan(cursor)] : [])] },
    orderBy: isNewer ? [{ at: "asc" }, { id: "asc" }] : [{ at: "desc" }, { id: "desc" }],
    take: page.limit + 1,
  });
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (isNewer) pageRows.reverse();
  const first = pageRows[0];
  const last = pageRows[pageRows.length - 1];

  // The far side of the cursor: is there anything beyond the page in the other direction?
  const hasBeyond = async (where: Prisma.AuditLogWhereInput) =>
    (await db.auditLog.findFirst({ where: { AND: [...filters, where] }, select: { id: true } })) !== null;
  let olderCursor: string | null = null;
  let newerCursor: string | null = null;
  if (isNewer) {
    newerCursor = hasMore && first ? encodeKey(first) : null;
    olderCursor = last && (await hasBeyond(olderThan(last))) ? encodeKey(last) : null;
  } else {
    olderCursor = hasMore && last ? encodeKey(last) : null;
    newerCursor = cursor && first && (await hasBeyond(newerThan(first))) ? encodeKey(first) : null;
  }
  return { items: pageRows.map(toItem), olderCursor, newerCursor };
}

export interface AuditFilterOptions {
  actors: string[];
  actions: string[];
  objectTypes: string[];
}

const SUGGESTION_WINDOW = 5_000;

/** Values to suggest in the filter form, from the most recent entries (bounded work on a large log). */
export async function listAuditFilterOptions(caller: Caller): Promise<AuditFilterOptions> {
  assertPermission(caller, "audit:read");
  const [row] = await getDb().$queryRaw<{ actors: string[] | null; actions: string[] | null; object_types: string[] | null }[]>`
    SELECT array_agg(DISTINCT actor_label ORDER BY actor_label) AS actors,
           array_agg(DISTINCT action ORDER BY action) AS actions,
           array_agg(DISTINCT object_type ORDER BY object_type) AS object_types
    FROM (SELECT actor_label, action, object_type FROM audit_log ORDER BY at DESC, id DESC LIMIT ${SUGGESTION_WINDOW}) AS recent`;
  return { actors: row?.actors ?? [], actions: row?.actions ?? [], objectTypes: row?.object_types ?? [] };
}
