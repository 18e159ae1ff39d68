import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CallDisposition, CallGuardOutcome } from "@/lib/generated/prisma/enums";
import { guardCallCost, parseGuardOutcome } from "@/lib/guard/outcome";
import type { CallDetailRecord, CdrDisposition } from "@/lib/observe/cdrs";
import type { CallRecordListQuery } from "@/lib/validation/call-records";

import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";

// Call records the collector read from the nodes' Master.csv (the input of call-cost limits). The collector
// inserts them, and reading the same lines again inserts nothing: a record is its node, uniqueid and the digest
// of its line. Lists page newest first on (started_at DESC, id DESC), which the (account_code, ...) and
// (node_id, ...) indexes serve.
//
// Reading needs calls:read. A tenant administrator reads only the records of the tenant's account code (the CDR's
// account code is the tenant's accountCode), and none while the tenant has no account code.

const MAX_BIGINT = 9_223_372_036_854_775_807n;

const DISPOSITIONS: Record<CdrDisposition, CallDisposition> = {
  ANSWERED: "ANSWERED",
  "NO ANSWER": "NO_ANSWER",
  BUSY: "BUSY",
  FAILED: "FAILED",
  CONGESTION: "CONGESTION",
};

export interface CallRecordsResult {
  /** Records handed in. */
  received: number;
  /** Of those, new rows (the rest were stored by an earlier read). */
  inserted: number;
}

/** Stores the records one poll of `nodeId` read; already stored ones are skipped (ON CONFLICT DO NOTHING). */
export async function recordCallRecords(nodeId: string, records: readonly CallDetailRecord[], collectedAt: Date): Promise<CallRecordsResult> {
  if (records.length === 0) return { received: 0, inserted: 0 };
  // One statement per poll with one array per column: Prisma's createMany binds every value on its own and was
  // measured at about 1,900 rows/s here, this at the speed of a raw INSERT (`npm run bench -- cdrs`).
  const column = <K extends keyof CallDetailRecord>(key: K) => records.map((r) => r[key]);
  const time = (d: Date | null) => (d === null ? null : d.toISOString());
  // The call guard's decision and, for an allowed call, its exact cost by the rate it was allowed at.
  const outcomes = records.map((r) => parseGuardOutcome(r.userField));
  const costs = records.map((r, i) => guardCallCost(outcomes[i] ?? null, r.billSeconds));
  const db = getDb();
  const inserted = await db.$executeRaw`
    INSERT INTO call_records (node_id, unique_id, record_digest, account_code, source, destination, context, caller_id, channel, dst_channel,
                              last_app, started_at, answered_at, ended_at, duration_seconds, bill_seconds, disposition,
                              user_field, guard_outcome, guard_reason, guard_extension, cost, currency, collected_at)
    SELECT ${nodeId}::uuid, r.*, ${collectedAt.toISOString()}::timestamptz
    FROM unnest(${column("uniqueId")}::text[], ${column("recordDigest")}::text[], ${column("accountCode")}::text[], ${column("source")}::text[],
                ${column("destination")}::text[], ${column("context")}::text[], ${column("callerId")}::text[], ${column("channel")}::text[],
                ${column("dstChannel")}::text[], ${column("lastApp")}::text[], ${records.map((r) => time(r.startedAt))}::timestamptz[],
                ${records.map((r) => time(r.answeredAt))}::timestamptz[], ${records.map((r) => time(r.endedAt))}::timestamptz[],
                ${column("durationSeconds")}::int[], ${column("billSeconds")}::int[], ${records.map((r) => DISPOSITIONS[r.disposition])}::"CallDisposition"[],
                ${column("userField")}::text[], ${outcomes.map((o) => o?.outcome ?? null)}::"CallGuardOutcome"[],
                ${outcomes.map((o) => o?.reason ?? null)}::text[], ${outcomes.map((o) => o?.extension ?? null)}::text[],
                ${costs.map((c) => c?.cost ?? null)}::numeric[], ${costs.map((c) => c?.currency ?? null)}::text[]) AS r
    ON CONFLICT DO NOTHING`;
  // An abuse block opens a block of the extension (one open block each; the node already refuses its calls).
  const blocks = records.flatMap((r, i) => {
    const o = outcomes[i];
    return o?.outcome === "BLOCK" ? [{ accountCode: o.accountCode, extension: o.extension, number: o.number, blockedAt: r.startedAt }] : [];
  });
  if (blocks.length > 0) {
    await db.$executeRaw`
      INSERT INTO extension_blocks (account_code, extension, node_id, number, blocked_at)
      SELECT b.account_code, b.extension, ${nodeId}::uuid, b.number, b.blocked_at
      FROM unnest(${blocks.map((b) => b.accountCode)}::text[], ${blocks.map((b) => b.extension)}::text[], ${blocks.map((b) => b.number)}::text[],
                  ${blocks.map((b) => b.blockedAt.toISOString())}::timestamptz[]) AS b(account_code, extension, number, blocked_at)
      ON CONFLICT DO NOTHING`;
  }
  return { received: records.length, inserted };
}

/** A stored record: the parsed CDR (lib/observe/cdrs.ts) without its digest, with the database's enum and ids. */
export interface CallRecordItem extends Omit<CallDetailRecord, "recordDigest" | "disposition"> {
  /** The bigint id as text (JSON has no 64-bit integers). */
  id: string;
  nodeId: string;
  nodeName: string;
  disposition: CallDisposition;
  /** The call guard's decision (null: the guard did not decide this call), why it refused or blocked, and for whom. */
  guardOutcome: CallGuardOutcome | null;
  guardReason: string | null;
  guardExtension: string | null;
  /** Exact decimal text ("0.1234") in `currency`; null when the guard did not price the call. */
  cost: string | null;
  currency: string | null;
  collectedAt: Date;
}

export interface CallRecordPage {
  items: CallRecordItem[];
  /** Cursor for the records that started before this page's last one, null at the oldest. */
  nextCursor: string | null;
}

type Key = { startedAt: Date; id: bigint };

function encodeKey(row: Key): string {
  return encodeKeysetCursor([row.startedAt.toISOString(), row.id.toString()]);
}

function decodeKey(cursor: string): Key {
  const [startedAt, id] = decodeKeysetCursor(cursor, 2) as [string, string];
  const date = cursorInstant(startedAt);
  if (!/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) throw invalidCursorError();
  return { startedAt: date, id: BigInt(id) };
}

/** One page of call records of a node and/or an account code, newest first. */
export async function listCallRecords(caller: Caller, query: CallRecordListQuery): Promise<CallRecordPage> {
  assertPermission(caller, "calls:read");
  const db = getDb();
  const where: Prisma.CallRecordWhereInput[] = [];
  if (caller.tenantId !== null) {
    const tenant = await db.tenant.findUnique({ where: { id: caller.tenantId }, select: { accountCode: true } });
    if (!tenant?.accountCode) return { items: [], nextCursor: null };
    where.push({ accountCode: tenant.accountCode });
  }
  if (query.nodeId !== undefined) where.push({ nodeId: query.nodeId });
  if (query.accountCode !== undefined) where.push({ accountCode: query.accountCode });
  if (query.cursor !== undefined) {
    const key = decodeKey(query.cursor);
    where.push({ OR: [{ startedAt: { lt: key.startedAt } }, { startedAt: key.startedAt, id: { lt: key.id } }] });
  }
  const rows = await db.callRecord.findMany({
    where: { AND: where },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    omit: { recordDigest: true },
    include: { node: { select: { name: true } } },
  });
  const items = rows.slice(0, query.limit).map(({ node, ...row }) => ({ ...row, id: row.id.toString(), nodeName: node.name, cost: row.cost?.toFixed() ?? null }));
  const last = rows[query.limit - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeKey(last) : null };
}
