import { getDb } from "@/lib/db/client";
import type { BlockAlert } from "@/lib/notify/call-alerts";

import { SYSTEM_ACTOR } from "./audit";

// What the call alerts (lib/notify/call-alerts.ts, sent by lib/notify/mailer.ts checkSpendAlerts) need of the
// database: the recent extension blocks, and the ledger of the alerts already sent.
//
// The ledger is the audit log, so no table of its own: each alert mailed is one append-only row
// (action call-alert.sent, object type call-alert, object id = the alert's key, at = the digest's time), which also
// tells administrators what Rampart mailed and when. A key counts as sent while it has more "sent" rows than
// "released" rows; a failed send appends "released" rows, so its alerts go out with the next digest. Claims run in
// one short transaction under an advisory lock, so several workers never mail the same alert, and at most one
// digest goes out per window (the newest "sent" row is the last digest).

const LOCK_CLASS = 727320;
const LOCK_KEY = 1;
const OBJECT_TYPE = "call-alert";
const SENT = "call-alert.sent";
const RELEASED = "call-alert.released";

/** Blocks are alerted when the collector stored them at most this long before the check (older ones are history). */
export const BLOCK_ALERT_LOOKBACK_MS = 2 * 86_400_000;

/** The extension blocks the collector stored since `since`, oldest first, with tenant and node names. */
export async function listRecentExtensionBlocks(since: Date): Promise<BlockAlert[]> {
  const rows = await getDb().$queryRaw<{ id: string; account_code: string; tenant_name: string | null; extension: string; number: string; node: string | null; blocked_at: Date }[]>`
    SELECT b.id::text AS id, b.account_code, t.name AS tenant_name, b.extension, b.number, n.name AS node, b.blocked_at
    FROM extension_blocks b
    LEFT JOIN tenants t ON t.account_code = b.account_code
    LEFT JOIN nodes n ON n.id = b.node_id
    WHERE b.created_at >= ${since}
    ORDER BY b.blocked_at, b.id`;
  return rows.map((r) => ({ id: r.id, accountCode: r.account_code, tenantName: r.tenant_name, extension: r.extension, number: r.number, node: r.node, blockedAt: r.blocked_at }));
}

export interface CallAlertClaim {
  at: Date;
  keys: string[];
}

export type CallAlertClaimResult<T> =
  | { kind: "waiting"; nextAt: Date }
  | { kind: "nothing-new" }
  | { kind: "claimed"; claim: CallAlertClaim; due: T };

/**
 * Under the lock: unless the last digest is less than `windowSeconds` old, hands `decide` the keys sent since `since`
 * and records the keys it answers as sent at `now`. `decide` is pure (lib/notify/call-alerts findDueCallAlerts).
 */
export async function claimCallAlerts<T extends { keys: string[] }>(
  now: Date,
  windowSeconds: number,
  since: Date,
  decide: (sentKeys: ReadonlySet<string>) => T,
): Promise<CallAlertClaimResult<T>> {
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, ${LOCK_KEY}::int)`;
    const [last] = await tx.$queryRaw<{ at: Date | null }[]>`
      SELECT max(at) AS at FROM audit_log WHERE object_type = ${OBJECT_TYPE} AND action = ${SENT}`;
    if (last?.at) {
      const nextAt = new Date(last.at.getTime() + windowSeconds * 1000);
      if (now < nextAt) return { kind: "waiting" as const, nextAt };
    }
    const sent = await tx.$queryRaw<{ key: string }[]>`
      SELECT object_id AS key FROM audit_log
      WHERE object_type = ${OBJECT_TYPE} AND at >= ${since} AND action IN (${SENT}, ${RELEASED})
      GROUP BY object_id
      HAVING count(*) FILTER (WHERE action = ${SENT}) > count(*) FILTER (WHERE action = ${RELEASED})`;
    const due = decide(new Set(sent.map((row) => row.key)));
    if (due.keys.length === 0) return { kind: "nothing-new" as const };
    await tx.auditLog.createMany({
      data: due.keys.map((key) => ({ at: now, actorType: SYSTEM_ACTOR.type, actorId: null, actorLabel: SYSTEM_ACTOR.label, action: SENT, objectType: OBJECT_TYPE, objectId: key })),
    });
    return { kind: "claimed" as const, claim: { at: now, keys: due.keys }, due };
  });
}

/** Gives the alerts of a claim whose mail could not be sent back to the next digest (the window stays: one try per window). */
export async function releaseCallAlerts(claim: CallAlertClaim): Promise<void> {
  await getDb().auditLog.createMany({
    data: claim.keys.map((key) => ({ at: claim.at, actorType: SYSTEM_ACTOR.type, actorId: null, actorLabel: SYSTEM_ACTOR.label, action: RELEASED, objectType: OBJECT_TYPE, objectId: key })),
  });
}
