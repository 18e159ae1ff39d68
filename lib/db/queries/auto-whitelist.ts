import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { parseHostAddress } from "@/lib/net/parse";
import { AUTO_WHITELIST_TTL, type AutoWhitelistSettingsInput } from "@/lib/validation/settings";
import { SYSTEM_ACTOR, writeAudit } from "./audit";

// Auto-whitelist from successful registrations (platform setting): an address that registered successfully
// becomes a temporary whitelist entry (source AUTO_REGISTRATION), so one phone with a wrong password cannot
// get the whole office behind the same address banned. Written by the collector as the system actor.
//
// - The entries are SIP-scoped, never ALL: a registration proves a SIP password, not a right to SSH or to any
//   other port. They still meet the blocklist, GeoIP, bans and scanner rules; they are exempt from the SIP
//   rate limits and never banned by the VoIP jail.
// - An address already covered by a live whitelist entry of another source that trusts at least as much (ALL
//   or SIP) is left alone: a person's entry is never shortened, rescoped or duplicated. An AUTO_REGISTRATION
//   entry an administrator rescoped is theirs from then on, and is not renewed either.
// - An AUTO_REGISTRATION entry is extended only when less than half of its lifetime is left: phones re-register
//   every few minutes, and rewriting (and auditing) the row on every poll would flood the audit log.
// - The entries reach the nodes with the next push, like every whitelist change.

export interface AutoWhitelistSettings {
  isEnabled: boolean;
  ttlSeconds: number;
}

function clampTtl(seconds: number | undefined): number {
  return Math.min(AUTO_WHITELIST_TTL.max, Math.max(AUTO_WHITELIST_TTL.min, seconds ?? AUTO_WHITELIST_TTL.default));
}

/** The setting as the collector reads it (no caller: the system acts). */
export async function getAutoWhitelistSettings(): Promise<AutoWhitelistSettings> {
  const row = await getDb().platformSettings.findUnique({ where: { id: 1 }, select: { autoWhitelistRegistrations: true, autoWhitelistTtlSeconds: true } });
  return { isEnabled: row?.autoWhitelistRegistrations ?? false, ttlSeconds: clampTtl(row?.autoWhitelistTtlSeconds) };
}

export interface AutoWhitelistSettingsView extends AutoWhitelistSettings {
  /** What the entries trust: always SIP. */
  scope: "SIP";
  /** Auto-whitelist entries in force now. */
  activeEntries: number;
}

async function viewOf(settings: AutoWhitelistSettings): Promise<AutoWhitelistSettingsView> {
  const [row] = await getDb().$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM address_entries
    WHERE list = 'WHITELIST' AND source = 'AUTO_REGISTRATION' AND (expires_at IS NULL OR expires_at > now())`;
  return { ...settings, scope: "SIP", activeEntries: row?.count ?? 0 };
}

/** The setting for the dashboard, API and CLI: everyone who may read the policy may read it. */
export async function readAutoWhitelistSettings(caller: Caller): Promise<AutoWhitelistSettingsView> {
  assertPermission(caller, "policy:read");
  return viewOf(await getAutoWhitelistSettings());
}

/**
 * Switches the auto-whitelist on or off and sets its time to live (ADMIN: it decides who is trusted). Existing
 * entries keep their expiry; a new TTL applies from the next registration on. Audited when something changed.
 */
export async function updateAutoWhitelistSettings(caller: Caller, input: AutoWhitelistSettingsInput): Promise<AutoWhitelistSettingsView> {
  assertPermission(caller, "settings:manage");
  const next = await getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ enabled: boolean; ttl: number }[]>`
      SELECT auto_whitelist_registrations AS enabled, auto_whitelist_ttl_seconds AS ttl FROM platform_settings WHERE id = 1 FOR UPDATE`;
    const before: AutoWhitelistSettings = { isEnabled: row?.enabled ?? false, ttlSeconds: clampTtl(row?.ttl) };
    const after: AutoWhitelistSettings = { isEnabled: input.isEnabled ?? before.isEnabled, ttlSeconds: input.ttlSeconds ?? before.ttlSeconds };
    if (after.isEnabled === before.isEnabled && after.ttlSeconds === before.ttlSeconds && after.ttlSeconds === row?.ttl) return after;
    await tx.platformSettings.update({
      where: { id: 1 },
      data: { autoWhitelistRegistrations: after.isEnabled, autoWhitelistTtlSeconds: after.ttlSeconds },
    });
    await writeAudit(tx, caller.actor, {
      action: "settings.auto-whitelist.update",
      objectType: "auto-whitelist-settings",
      objectId: "1",
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
  return viewOf(next);
}

export interface RegisteredSource {
  address: string;
  accountId: string;
  nodeName: string;
}

export interface AutoWhitelistResult {
  added: string[];
  extended: string[];
}

/** Creates or extends the AUTO_REGISTRATION whitelist entries of these addresses, audited as the system. */
export async function recordAutoWhitelist(sources: readonly RegisteredSource[], ttlSeconds: number, now: Date = new Date()): Promise<AutoWhitelistResult> {
  const byAddress = new Map<string, RegisteredSource & { family: 4 | 6 }>();
  for (const source of sources) {
    // Strict parser again: these addresses came from a log line an attacker can influence.
    const parsed = parseHostAddress(source.address);
    if (parsed.ok) byAddress.set(parsed.value.canonical, { ...source, address: parsed.value.canonical, family: parsed.value.family });
  }
  if (byAddress.size === 0) return { added: [], extended: [] };
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const extendBefore = new Date(now.getTime() + (ttlSeconds * 1000) / 2);
  const items = [...byAddress.values()];

  return getDb().$transaction(async (tx) => {
    // Addresses with a live entry of another source covering them with at least SIP trust: nothing to do.
    const covered = await tx.$queryRaw<{ address: string }[]>`
      SELECT DISTINCT abbrev(a) AS address FROM unnest(${items.map((i) => i.address)}::inet[]) AS a
      JOIN address_entries e ON e.list = 'WHITELIST' AND e.network >>= a AND e.source <> 'AUTO_REGISTRATION'
        AND e.scope IN ('ALL', 'SIP') AND (e.expires_at IS NULL OR e.expires_at > ${now})`;
    const skip = new Set(covered.map((r) => r.address));
    const todo = items.filter((i) => !skip.has(i.address));
    if (todo.length === 0) return { added: [], extended: [] };

    const rows = await tx.$queryRaw<{ address: string; inserted: boolean }[]>`
      INSERT INTO address_entries (list, network, family, comment, source, scope, expires_at, author)
      SELECT 'WHITELIST', i.network, i.family, i.comment, 'AUTO_REGISTRATION', 'SIP', ${expiresAt}, 'system'
      FROM unnest(${todo.map((i) => i.address)}::inet[], ${todo.map((i) => i.family)}::smallint[], ${todo.map((i) => `Registered as ${i.accountId} on ${i.nodeName}`)}::text[])
        AS i(network, family, comment)
      ON CONFLICT (list, COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), network) DO UPDATE
        SET expires_at = EXCLUDED.expires_at, comment = EXCLUDED.comment, updated_at = ${now}
        WHERE address_entries.source = 'AUTO_REGISTRATION' AND address_entries.scope = 'SIP'
          AND (address_entries.expires_at IS NULL OR address_entries.expires_at < ${extendBefore})
          AND address_entries.expires_at IS NOT NULL
      RETURNING abbrev(network) AS address, (xmax = 0) AS inserted`;
    const added = rows.filter((r) => r.inserted).map((r) => r.address);
    const extended = rows.filter((r) => !r.inserted).map((r) => r.address);
    if (rows.length > 0) {
      await writeAudit(tx, SYSTEM_ACTOR, {
        action: "whitelist.auto_registration",
        objectType: "address-entry",
        objectId: rows.length === 1 ? rows[0]!.address : null,
        after: { added: added.slice(0, 1_000), extended: extended.slice(0, 1_000), expiresAt: expiresAt.toISOString() },
      });
    }
    return { added, extended };
  });
}
