import { z } from "zod";

import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { findUnknownCountries, getGeoCatalog } from "@/lib/geo/catalog";
import { SIP_TRANSPORTS } from "@/lib/validation/policy";
import {
  applyPatch,
  fail2banSettingsSchema,
  geoIpSettingsSchema,
  portsSettingsSchema,
  rateLimitSettingsSchema,
  type Fail2banSettings,
  type GeoIpSettings,
  type PortsSettings,
  type RateLimitSettings,
} from "@/lib/validation/settings";
import { writeAudit } from "./audit";

// The policy singletons (id = 1, inserted by the first migration): GeoIP, SIP rate limits, fail2ban and the
// platform ports. Reads need "policy:read", writes "policy:write". A write locks the row, re-validates the whole
// object with the compiler's schema (lib/validation/settings builds on lib/validation/policy), and audits the
// before and after values in the same transaction; a write that changes nothing is not audited.

type Tx = Prisma.TransactionClient;
type Db = Tx | ReturnType<typeof getDb>;

interface SingletonSpec<T> {
  /** "GeoIP policy": used in messages. */
  what: string;
  action: string;
  objectType: string;
  schema: z.ZodType<T>;
  read(db: Db): Promise<T | null>;
  /** Creates the row if it is missing (never after the first migration, but reads must not fail). */
  ensure(db: Db): Promise<void>;
  lock(tx: Tx): Promise<void>;
  write(tx: Tx, value: T): Promise<void>;
  /** Canonical order of lists, so equal settings compare equal and display the same. */
  normalize(value: T): T;
  /** Work done before the transaction (loading the GeoIP dataset), so the row lock is held briefly. */
  prepare?(): Promise<unknown>;
  /** Checks that need more than the schema; throws AppError VALIDATION. */
  check?(value: T): Promise<void>;
}

const byNumber = (a: number, b: number) => a - b;

const geoIpSpec: SingletonSpec<GeoIpSettings> = {
  what: "GeoIP policy",
  action: "settings.geoip.update",
  objectType: "geoip-policy",
  schema: geoIpSettingsSchema,
  async read(db) {
    const row = await db.geoIpPolicy.findUnique({ where: { id: 1 } });
    return row && { mode: row.mode, countries: [...row.countries] };
  },
  async ensure(db) {
    await db.$executeRaw`INSERT INTO geoip_policy (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  },
  async lock(tx) {
    await tx.$queryRaw`SELECT id FROM geoip_policy WHERE id = 1 FOR UPDATE`;
  },
  async write(tx, value) {
    await tx.geoIpPolicy.update({ where: { id: 1 }, data: { mode: value.mode, countries: value.countries } });
  },
  normalize: (value) => ({ mode: value.mode, countries: [...value.countries].sort() }),
  prepare: () => getGeoCatalog(),
  async check(value) {
    const unknown = await findUnknownCountries(value.countries);
    if (unknown.length > 0) {
      const message = `The GeoIP dataset has no addresses for ${unknown.join(", ")}: choose countries from the list.`;
      throw new AppError("VALIDATION", message, { countries: [message] });
    }
  },
};

const rateLimitSpec: SingletonSpec<RateLimitSettings> = {
  what: "SIP rate limits",
  action: "settings.rate-limit.update",
  objectType: "rate-limit-settings",
  schema: rateLimitSettingsSchema,
  async read(db) {
    const row = await db.rateLimitSettings.findUnique({ where: { id: 1 } });
    return (
      row && {
        enabled: row.enabled,
        packetsPerSecond: row.packetsPerSecond,
        burst: row.burst,
        registerHits: row.registerHits,
        registerWindowSeconds: row.registerWindowSeconds,
        inviteHits: row.inviteHits,
        inviteWindowSeconds: row.inviteWindowSeconds,
        sipPorts: [...row.sipPorts],
        transports: [...row.transports],
        rtpPortMin: row.rtpPortMin,
        rtpPortMax: row.rtpPortMax,
      }
    );
  },
  async ensure(db) {
    await db.$executeRaw`INSERT INTO rate_limit_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  },
  async lock(tx) {
    await tx.$queryRaw`SELECT id FROM rate_limit_settings WHERE id = 1 FOR UPDATE`;
  },
  async write(tx, value) {
    await tx.rateLimitSettings.update({ where: { id: 1 }, data: value });
  },
  normalize: (value) => ({
    ...value,
    sipPorts: [...value.sipPorts].sort(byNumber),
    transports: SIP_TRANSPORTS.filter((t) => value.transports.includes(t)),
  }),
};

const fail2banSpec: SingletonSpec<Fail2banSettings> = {
  what: "fail2ban settings",
  action: "settings.fail2ban.update",
  objectType: "fail2ban-settings",
  schema: fail2banSettingsSchema,
  async read(db) {
    const row = await db.fail2banSettings.findUnique({ where: { id: 1 } });
    return (
      row && {
        voipJailEnabled: row.voipJailEnabled,
        webJailEnabled: row.webJailEnabled,
        maxRetry: row.maxRetry,
        findTimeSeconds: row.findTimeSeconds,
        banTimeSeconds: row.banTimeSeconds,
        recidive: {
          enabled: row.recidiveEnabled,
          maxRetry: row.recidiveMaxRetry,
          findTimeSeconds: row.recidiveFindTimeSeconds,
          banTimeSeconds: row.recidiveBanTimeSeconds,
        },
      }
    );
  },
  async ensure(db) {
    await db.$executeRaw`INSERT INTO fail2ban_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  },
  async lock(tx) {
    await tx.$queryRaw`SELECT id FROM fail2ban_settings WHERE id = 1 FOR UPDATE`;
  },
  async write(tx, value) {
    await tx.fail2banSettings.update({
      where: { id: 1 },
      data: {
        voipJailEnabled: value.voipJailEnabled,
        webJailEnabled: value.webJailEnabled,
        maxRetry: value.maxRetry,
        findTimeSeconds: value.findTimeSeconds,
        banTimeSeconds: value.banTimeSeconds,
        recidiveEnabled: value.recidive.enabled,
        recidiveMaxRetry: value.recidive.maxRetry,
        recidiveFindTimeSeconds: value.recidive.findTimeSeconds,
        recidiveBanTimeSeconds: value.recidive.banTimeSeconds,
      },
    });
  },
  normalize: (value) => value,
};

const portsSpec: SingletonSpec<PortsSettings> = {
  what: "platform ports",
  action: "settings.ports.update",
  objectType: "platform-settings",
  schema: portsSettingsSchema,
  async read(db) {
    const row = await db.platformSettings.findUnique({ where: { id: 1 }, select: { sshPorts: true, webPorts: true } });
    return row && { sshPorts: [...row.sshPorts], webPorts: [...row.webPorts] };
  },
  async ensure(db) {
    await db.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  },
  async lock(tx) {
    await tx.$queryRaw`SELECT id FROM platform_settings WHERE id = 1 FOR UPDATE`;
  },
  async write(tx, value) {
    // Only the two port lists: the other platform switches belong to the platform settings page.
    await tx.platformSettings.update({ where: { id: 1 }, data: { sshPorts: value.sshPorts, webPorts: value.webPorts } });
  },
  normalize: (value) => ({ sshPorts: [...value.sshPorts].sort(byNumber), webPorts: [...value.webPorts].sort(byNumber) }),
};

/** JSON with sorted keys: equal settings give equal text whatever order their keys were built in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function readSingleton<T>(spec: SingletonSpec<T>, db: Db): Promise<T> {
  const value = await spec.read(db);
  if (value !== null) return value;
  await spec.ensure(db);
  const created = await spec.read(db);
  if (created === null) throw new Error(`The ${spec.what} row is missing and could not be created.`);
  return created;
}

async function getSingleton<T>(spec: SingletonSpec<T>, caller: Caller): Promise<T> {
  assertPermission(caller, "policy:read");
  return readSingleton(spec, getDb());
}

/** Computes the next value from the current one inside the row lock, validates, writes and audits it. */
async function updateSingleton<T>(spec: SingletonSpec<T>, caller: Caller, next: (current: T) => unknown): Promise<T> {
  assertPermission(caller, "policy:write");
  await spec.prepare?.();
  return getDb().$transaction(async (tx) => {
    await spec.ensure(tx);
    await spec.lock(tx);
    const before = await readSingleton(spec, tx);
    const after = spec.normalize(spec.schema.parse(next(before)));
    await spec.check?.(after);
    if (stableJson(before) === stableJson(after)) return after;
    await spec.write(tx, after);
    await writeAudit(tx, caller.actor, {
      action: spec.action,
      objectType: spec.objectType,
      objectId: "1",
      before: before as Prisma.InputJsonValue,
      after: after as Prisma.InputJsonValue,
    });
    return after;
  });
}

function patchOf<T>(spec: SingletonSpec<T>, patch: unknown) {
  return (current: T) => applyPatch(spec.schema, current as Record<string, unknown>, patch);
}

// ---------------------------------------------------------------------------------------------------------
// GeoIP
// ---------------------------------------------------------------------------------------------------------

export function getGeoIpSettings(caller: Caller): Promise<GeoIpSettings> {
  return getSingleton(geoIpSpec, caller);
}

/** Replaces the GeoIP policy; every country must have data in the shipped dataset. */
export function updateGeoIpSettings(caller: Caller, input: GeoIpSettings): Promise<GeoIpSettings> {
  return updateSingleton(geoIpSpec, caller, () => input);
}

/** Applies a partial change (`{ "mode": "OFF" }`) to the stored policy and validates the result as a whole. */
export function patchGeoIpSettings(caller: Caller, patch: unknown): Promise<GeoIpSettings> {
  return updateSingleton(geoIpSpec, caller, patchOf(geoIpSpec, patch));
}

// ---------------------------------------------------------------------------------------------------------
// SIP rate limits
// ---------------------------------------------------------------------------------------------------------

export function getRateLimitSettings(caller: Caller): Promise<RateLimitSettings> {
  return getSingleton(rateLimitSpec, caller);
}

export function updateRateLimitSettings(caller: Caller, input: RateLimitSettings): Promise<RateLimitSettings> {
  return updateSingleton(rateLimitSpec, caller, () => input);
}

export function patchRateLimitSettings(caller: Caller, patch: unknown): Promise<RateLimitSettings> {
  return updateSingleton(rateLimitSpec, caller, patchOf(rateLimitSpec, patch));
}

// ---------------------------------------------------------------------------------------------------------
// fail2ban
// ---------------------------------------------------------------------------------------------------------

export function getFail2banSettings(caller: Caller): Promise<Fail2banSettings> {
  return getSingleton(fail2banSpec, caller);
}

export function updateFail2banSettings(caller: Caller, input: Fail2banSettings): Promise<Fail2banSettings> {
  return updateSingleton(fail2banSpec, caller, () => input);
}

/** The nested `recidive` object is merged one level down: `{ "recidive": { "enabled": false } }` works. */
export function patchFail2banSettings(caller: Caller, patch: unknown): Promise<Fail2banSettings> {
  return updateSingleton(fail2banSpec, caller, patchOf(fail2banSpec, patch));
}

// ---------------------------------------------------------------------------------------------------------
// Platform ports
// ---------------------------------------------------------------------------------------------------------

export function getPortsSettings(caller: Caller): Promise<PortsSettings> {
  return getSingleton(portsSpec, caller);
}

export function updatePortsSettings(caller: Caller, input: PortsSettings): Promise<PortsSettings> {
  return updateSingleton(portsSpec, caller, () => input);
}

export function patchPortsSettings(caller: Caller, patch: unknown): Promise<PortsSettings> {
  return updateSingleton(portsSpec, caller, patchOf(portsSpec, patch));
}
