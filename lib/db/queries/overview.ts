import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

// What the Overview shows a tenant administrator: they hold no nodes:read (the cluster figures in snapshots.ts
// are an operator's view), so they get a summary of the current bans inside their own tenant's active
// restriction networks only — the same scope as the Bans page (lib/db/queries/bans.ts).

export interface TenantBanSummary {
  /** Distinct addresses currently banned inside the tenant's networks. */
  bannedAddresses: number;
  /** Bans (address, jail, node) that started in the last 24 hours inside the tenant's networks. */
  bansLast24h: number;
  /** Active restriction networks of the tenant (0: nothing can match). */
  networks: number;
}

/** Current and recent bans inside the caller's tenant restrictions (tenant-scoped callers only). */
export async function tenantBanSummary(caller: Caller, now: Date = new Date()): Promise<TenantBanSummary> {
  assertPermission(caller, "bans:read");
  if (caller.tenantId === null) throw new AppError("FORBIDDEN", "The tenant summary is for tenant administrators.");
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const [row] = await getDb().$queryRaw<{ current: number; recent: number; networks: number }[]>`
    WITH n AS (
      SELECT network FROM address_entries
      WHERE list = 'TENANT_RESTRICTION' AND tenant_id = ${caller.tenantId}::uuid AND pending_reason IS NULL
        AND (expires_at IS NULL OR expires_at > ${now})
    )
    SELECT
      (SELECT count(DISTINCT e.address)::int FROM ban_events e
        WHERE e.unbanned_at IS NULL AND (e.expires_at IS NULL OR e.expires_at > ${now})
          AND EXISTS (SELECT 1 FROM n WHERE e.address <<= n.network)) AS current,
      (SELECT count(*)::int FROM ban_events e
        WHERE e.banned_at >= ${since} AND EXISTS (SELECT 1 FROM n WHERE e.address <<= n.network)) AS recent,
      (SELECT count(*)::int FROM n) AS networks`;
  return { bannedAddresses: row?.current ?? 0, bansLast24h: row?.recent ?? 0, networks: row?.networks ?? 0 };
}
