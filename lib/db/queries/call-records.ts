import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CallDisposition } from "@/lib/generated/prisma/enums";
import type { CallDetailRecord, CdrDisposition } from "@/lib/observe/cdrs";
import type { CallRecordListQuery } from "@/lib/validation/call-records";

import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";

// Call records the collector read from the nodes' Master.csv (the input of call-cost limits). The collector
// inserts them, and reading the same lines again inserts nothing: a record is its node, uniqueid and the digest
// of its line. Lists page newest first on (started_at DESC, id DESC), which the (account_code, ...) and
// (node_id, ...) indexes serve.
//
// Reading needs nodes:read, which tenant administrators do not hold: account codes are not tied to tenants yet,
// so no tenant-scoped caller may see the records of any account.

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
  const data: Prisma.CallRecordCreateManyInput[] = records.map((r) => ({
    nodeId,
    uniqueId: r.uniqueId,
    recordDigest: r.recordDigest,
    accountCode: r.accountCode,
    source: r.source,
    destination: r.destination,
    context: r.context,
    callerId: r.callerId,
    channel: r.channel,
    dstChannel: r.dstChannel,
    lastApp: r.lastApp,
    startedAt: r.startedAt,
    answeredAt: r.answeredAt,
    endedAt: r.endedAt,
    durationSeconds: r.durationSeconds,
    billSeconds: r.billSeconds,
    disposition: DISPOSITIONS[r.disposition],
    collectedAt,
  }));
  const { count } = await getDb().callRecord.createMany({ data, skipDuplicates: true });
  return { received: records.length, inserted: count };
}

/** A stored record: the parsed CDR (lib/observe/cdrs.ts) without its digest, with the database's enum and ids. */
export interface CallRecordItem extends Omit<CallDetailRecord, "recordDigest" | "disposition"> {
  /** The bigint id as text (JSON has no 64-bit integers). */
  id: string;
  nodeId: string;
  disposition: CallDisposition;
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
  assertPermission(caller, "nodes:read");
  const where: Prisma.CallRecordWhereInput[] = [];
  if (query.nodeId !== undefined) where.push({ nodeId: query.nodeId });
  if (query.accountCode !== undefined) where.push({ accountCode: query.accountCode });
  if (query.cursor !== undefined) {
    const key = decodeKey(query.cursor);
    where.push({ OR: [{ startedAt: { lt: key.startedAt } }, { startedAt: key.startedAt, id: { lt: key.id } }] });
  }
  const rows = await getDb().callRecord.findMany({
    where: { AND: where },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    omit: { recordDigest: true },
  });
  const items = rows.slice(0, query.limit).map((row) => ({ ...row, id: row.id.toString() }));
  const last = rows[query.limit - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeKey(last) : null };
}
