import { getDb } from "@/lib/db/client";
import { parseHostAddress } from "@/lib/net/parse";
import { SYSTEM_ACTOR, writeAudit } from "./audit";

// Auto-whitelist from successful registrations (platform setting): an address that registered successfully
// becomes a temporary whitelist entry (source AUTO_REGISTRATION), so one phone with a wrong password cannot
// get the whole office behind the same address banned. Written by the collector as the system actor.
//
// - An address already covered by a live whitelist entry of another source is left alone (an administrator's
//   entry is never shortened or duplicated).
// - An AUTO_REGISTRATION entry is extended only when less than half of its lifetime is left: phones re-register
//   every few minutes, and rewriting (and auditing) the row on every poll would flood the audit log.
// - The entries reach the nodes with the next push, like every whitelist change.

export interface AutoWhitelistSettings {
  isEnabled: boolean;
  ttlSeconds: number;
}

export async function getAutoWhitelistSettings(): Promise<AutoWhitelistSettings> {
  const row = await getDb().platformSettings.findUnique({ where: { id: 1 }, select: { autoWhitelistRegistrations: true, autoWhitelistTtlSeconds: true } });
  return { isEnabled: row?.autoWhitelistRegistrations ?? false, ttlSeconds: Math.max(60, row?.autoWhitelistTtlSeconds ?? 86_400) };
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
    // Addresses with a live entry of another source covering them: nothing to do.
    const covered = await tx.$queryRaw<{ address: string }[]>`
      SELECT DISTINCT abbrev(a) AS address FROM unnest(${items.map((i) => i.address)}::inet[]) AS a
      JOIN address_entries e ON e.list = 'WHITELIST' AND e.network >>= a AND e.source <> 'AUTO_REGISTRATION'
        AND (e.expires_at IS NULL OR e.expires_at > ${now})`;
    const skip = new Set(covered.map((r) => r.address));
    const todo = items.filter((i) => !skip.has(i.address));
    if (todo.length === 0) return { added: [], extended: [] };

    const rows = await tx.$queryRaw<{ address: string; inserted: boolean }[]>`
      INSERT INTO address_entries (list, network, family, comment, source, expires_at, author)
      SELECT 'WHITELIST', i.network, i.family, i.comment, 'AUTO_REGISTRATION', ${expiresAt}, 'system'
      FROM unnest(${todo.map((i) => i.address)}::inet[], ${todo.map((i) => i.family)}::smallint[], ${todo.map((i) => `Registered as ${i.accountId} on ${i.nodeName}`)}::text[])
        AS i(network, family, comment)
      ON CONFLICT (list, COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), network) DO UPDATE
        SET expires_at = EXCLUDED.expires_at, comment = EXCLUDED.comment, updated_at = ${now}
        WHERE address_entries.source = 'AUTO_REGISTRATION' AND (address_entries.expires_at IS NULL OR address_entries.expires_at < ${extendBefore})
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
