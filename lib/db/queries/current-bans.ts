import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

// Every current ban as one row per (address, jail, node): what `rampart bans list` prints. The Bans page
// groups per address (lib/db/queries/bans.ts listBans); scripts want the flat pairs they can act on with
// `rampart unban ADDRESS --node N`. Tenant admins see only bans inside their tenant's networks in force (not
// those waiting for an administrator's approval).

const sql = Prisma.sql;

/** More rows than this are cut (the result says so); a cluster with more current bans wants the page's filters. */
export const MAX_CURRENT_BANS = 100_000;

export interface CurrentBan {
  ip: string;
  jail: string;
  node: string;
  nodeId: string;
  country: string | null;
  bannedAt: Date;
  /** null for a permanent ban. */
  expiresAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export async function listCurrentBans(caller: Caller, limit = MAX_CURRENT_BANS): Promise<{ bans: CurrentBan[]; isTruncated: boolean }> {
  assertPermission(caller, "bans:read");
  const take = Math.min(Math.max(1, Math.trunc(limit)), MAX_CURRENT_BANS);
  const scope =
    caller.tenantId === null
      ? sql`TRUE`
      : sql`EXISTS (SELECT 1 FROM address_entries r WHERE r.list = 'TENANT_RESTRICTION' AND r.tenant_id = ${caller.tenantId}::uuid
                    AND r.pending_reason IS NULL AND (r.expires_at IS NULL OR r.expires_at > now()) AND e.address <<= r.network)`;
  const rows = await getDb().$queryRaw<{ ip: string; jail: string; node: string; node_id: string; country: string | null; banned_at: Date; expires_at: Date | null; first_seen_at: Date; last_seen_at: Date }[]>`
    SELECT abbrev(e.address) AS ip, e.jail, n.name AS node, n.id::text AS node_id, e.country, e.banned_at, e.expires_at, e.first_seen_at, e.last_seen_at
    FROM ban_events e JOIN nodes n ON n.id = e.node_id
    WHERE e.unbanned_at IS NULL AND (e.expires_at IS NULL OR e.expires_at > now()) AND ${scope}
    ORDER BY e.banned_at DESC, e.address, n.name, e.jail
    LIMIT ${take + 1}`;
  return {
    isTruncated: rows.length > take,
    bans: rows.slice(0, take).map((r) => ({
      ip: r.ip,
      jail: r.jail,
      node: r.node,
      nodeId: r.node_id,
      country: r.country?.trim() || null,
      bannedAt: r.banned_at,
      expiresAt: r.expires_at,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
    })),
  };
}
