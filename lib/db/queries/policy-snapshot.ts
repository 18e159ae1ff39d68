import { getDb } from "@/lib/db/client";
import { loadCallGuardPolicy } from "@/lib/db/queries/call-guard-policy";
import { POLICY_SNAPSHOT_VERSION, type PolicySnapshot } from "@/lib/validation/policy";

// Reads the whole policy once, in the shape the compiler validates (lib/validation/policy.ts). Networks are
// read with abbrev(), the canonical text lib/net produces (inet::text would append /32 to hosts). The
// compiler re-validates everything it gets, so this layer only maps rows to the snapshot's fields.

interface EntryRow {
  list: "WHITELIST" | "BLOCKLIST" | "MANAGEMENT" | "TENANT_RESTRICTION";
  tenant_id: string | null;
  network: string;
  comment: string;
  expires_at: Date | null;
  scope: "ALL" | "SIP" | "NO_BAN";
}

type SnapshotEntry = PolicySnapshot["whitelist"][number];

function toEntry(row: EntryRow): SnapshotEntry {
  const entry: SnapshotEntry = { network: row.network, comment: row.comment, expiresAt: row.expires_at ? row.expires_at.toISOString() : null };
  if (row.list === "WHITELIST") entry.scope = row.scope;
  return entry;
}

/** The current policy as an (unvalidated) snapshot object; entries come sorted by network for stable diffs. */
export async function loadPolicySnapshot(): Promise<PolicySnapshot> {
  const db = getDb();
  const [rows, tenants, geoip, scanners, rate, f2b, platform, exposure, guard] = await Promise.all([
    db.$queryRaw<EntryRow[]>`
      SELECT list::text AS list, tenant_id::text AS tenant_id, abbrev(network) AS network, comment, expires_at, scope::text AS scope
      FROM address_entries WHERE pending_reason IS NULL ORDER BY list, tenant_id NULLS FIRST, network`,
    db.tenant.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, autoWhitelistRestrictions: true } }),
    db.geoIpPolicy.findUniqueOrThrow({ where: { id: 1 } }),
    db.scannerSignature.findMany({ orderBy: { pattern: "asc" }, select: { pattern: true, enabled: true } }),
    db.rateLimitSettings.findUniqueOrThrow({ where: { id: 1 } }),
    db.fail2banSettings.findUniqueOrThrow({ where: { id: 1 } }),
    db.platformSettings.findUniqueOrThrow({ where: { id: 1 } }),
    db.exposurePolicy.findUniqueOrThrow({ where: { id: 1 } }),
    loadCallGuardPolicy(),
  ]);

  const lists: Record<"WHITELIST" | "BLOCKLIST" | "MANAGEMENT", SnapshotEntry[]> = { WHITELIST: [], BLOCKLIST: [], MANAGEMENT: [] };
  const restrictions = new Map<string, SnapshotEntry[]>();
  for (const row of rows) {
    if (row.list === "TENANT_RESTRICTION") {
      const key = row.tenant_id ?? "";
      const list = restrictions.get(key) ?? [];
      list.push(toEntry(row));
      restrictions.set(key, list);
    } else {
      lists[row.list].push(toEntry(row));
    }
  }

  return {
    version: POLICY_SNAPSHOT_VERSION,
    scannerSignatures: scanners,
    geoip: { mode: geoip.mode, countries: [...geoip.countries].sort() },
    rateLimit: {
      enabled: rate.enabled,
      packetsPerSecond: rate.packetsPerSecond,
      burst: rate.burst,
      registerHits: rate.registerHits,
      registerWindowSeconds: rate.registerWindowSeconds,
      inviteHits: rate.inviteHits,
      inviteWindowSeconds: rate.inviteWindowSeconds,
      sipPorts: rate.sipPorts,
      transports: rate.transports,
      rtpPortMin: rate.rtpPortMin,
      rtpPortMax: rate.rtpPortMax,
    },
    fail2ban: {
      voipJailEnabled: f2b.voipJailEnabled,
      webJailEnabled: f2b.webJailEnabled,
      maxRetry: f2b.maxRetry,
      findTimeSeconds: f2b.findTimeSeconds,
      banTimeSeconds: f2b.banTimeSeconds,
      recidive: {
        enabled: f2b.recidiveEnabled,
        maxRetry: f2b.recidiveMaxRetry,
        findTimeSeconds: f2b.recidiveFindTimeSeconds,
        banTimeSeconds: f2b.recidiveBanTimeSeconds,
      },
    },
    platform: { sshPorts: platform.sshPorts, webPorts: platform.webPorts },
    exposure: {
      sipFrom: exposure.sipFrom === "MANAGEMENT" ? "ALLOWED" : exposure.sipFrom,
      rtpFrom: exposure.rtpFrom === "MANAGEMENT" ? "ALLOWED" : exposure.rtpFrom,
      webFrom: exposure.webFrom,
      amiPorts: exposure.amiPorts,
      extraTcpPorts: exposure.extraTcpPorts,
      extraUdpPorts: exposure.extraUdpPorts,
      icmpEcho: exposure.icmpEcho,
      dropPortScans: exposure.dropPortScans,
      sshNewPerMinute: exposure.sshNewPerMinute,
      finalAction: exposure.finalAction,
    },
    whitelist: lists.WHITELIST,
    blocklist: lists.BLOCKLIST,
    management: lists.MANAGEMENT,
    tenants: tenants.map((t) => ({ id: t.id, name: t.name, autoWhitelistRestrictions: t.autoWhitelistRestrictions, restrictions: restrictions.get(t.id) ?? [] })),
    callGuard: guard.policy,
  };
}
