import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { parseBootRestore, type BootRestore } from "@/lib/deploy/agent-output";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { SNAPSHOT_FORMAT, type NodeObservation } from "@/lib/observe/snapshot";
import { isUuid } from "@/lib/validation/ids";

// Node snapshots (node_snapshots): one row per collector poll of one node, reachable or not. The collector
// writes them (recordNodeSnapshot); the Overview and Node pages and `rampart status` read them through the
// functions below. An unreachable poll stores no data, so every reader pairs "the last poll" (is the node up
// now?) with "the last reachable poll" (what we last knew, and how old it is).
//
// Cluster-wide figures (health, counters, ban statistics) need nodes:read, which tenant admins do not hold:
// they are an operator's view of the whole cluster, so no tenant scope applies here.

const sql = Prisma.sql;


/** Snapshots older than this are pruned (the latest reachable one of every node is always kept). */
export const SNAPSHOT_RETENTION_HOURS = 48;

// ---------------------------------------------------------------------------------------------------------
// Writes (collector)
// ---------------------------------------------------------------------------------------------------------

export interface SnapshotWrite {
  nodeId: string;
  takenAt: Date;
  isReachable: boolean;
  error: string | null;
  /** The version the node runs (its current/version), when it answered. */
  rulesetHash: string | null;
  driftDigest: string | null;
  /** null for an unreachable poll. */
  observation: NodeObservation | null;
}

export async function recordNodeSnapshot(input: SnapshotWrite): Promise<void> {
  await getDb().nodeSnapshot.create({
    data: {
      nodeId: input.nodeId,
      takenAt: input.takenAt,
      isReachable: input.isReachable,
      error: input.error?.slice(0, 2_000) ?? null,
      rulesetHash: input.rulesetHash,
      driftDigest: input.driftDigest,
      data: (input.observation ?? {}) as unknown as Prisma.InputJsonValue,
    },
  });
}

/** Deletes snapshots past the retention, keeping each node's latest reachable one (the "last known data"). */
export async function pruneNodeSnapshots(now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - SNAPSHOT_RETENTION_HOURS * 3_600_000);
  return getDb().$executeRaw`
    DELETE FROM node_snapshots s
    WHERE s.taken_at < ${cutoff}
      AND s.id <> COALESCE((SELECT k.id FROM node_snapshots k WHERE k.node_id = s.node_id AND k.is_reachable
                            ORDER BY k.taken_at DESC LIMIT 1), -1)`;
}

// ---------------------------------------------------------------------------------------------------------
// Reading stored observations
// ---------------------------------------------------------------------------------------------------------

/** A stored observation, or null when the row holds none or an unknown format (readers show "no data"). */
export function observationOf(data: unknown): NodeObservation | null {
  if (typeof data !== "object" || data === null) return null;
  const format = (data as { format?: unknown }).format;
  return format === SNAPSHOT_FORMAT ? (data as NodeObservation) : null;
}

function ageSeconds(at: Date | null, now: Date): number | null {
  return at === null ? null : Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
}

function assertNodeId(nodeId: string): void {
  if (!isUuid(nodeId)) throw new AppError("NOT_FOUND", "The node does not exist.");
}

export interface LastPoll {
  takenAt: Date;
  isReachable: boolean;
  /** Why the poll failed (unreachable, authentication refused, timed out, ...); null when it answered. */
  error: string | null;
}

export interface LatestObservation {
  nodeId: string;
  nodeName: string;
  /** The most recent poll, reachable or not; null when the node was never polled. */
  lastPoll: LastPoll | null;
  /** The most recent poll that answered; its data is what the node page shows, with its age. */
  observedAt: Date | null;
  ageSeconds: number | null;
  /** null when the node never answered (or the stored format is unknown). */
  observation: NodeObservation | null;
}

/** The node's latest reachable observation, and whether the latest poll reached it. */
export async function latestObservation(caller: Caller, nodeId: string, now: Date = new Date()): Promise<LatestObservation> {
  assertPermission(caller, "nodes:read");
  assertNodeId(nodeId);
  const db = getDb();
  const node = await db.node.findUnique({ where: { id: nodeId }, select: { id: true, name: true } });
  if (!node) throw new AppError("NOT_FOUND", "The node does not exist.");
  const [last, reachable] = await Promise.all([
    db.nodeSnapshot.findFirst({ where: { nodeId }, orderBy: { takenAt: "desc" }, select: { takenAt: true, isReachable: true, error: true } }),
    db.nodeSnapshot.findFirst({ where: { nodeId, isReachable: true }, orderBy: { takenAt: "desc" }, select: { takenAt: true, data: true } }),
  ]);
  return {
    nodeId: node.id,
    nodeName: node.name,
    lastPoll: last,
    observedAt: reachable?.takenAt ?? null,
    ageSeconds: ageSeconds(reachable?.takenAt ?? null, now),
    observation: reachable ? observationOf(reachable.data) : null,
  };
}

export interface NodeHealth {
  nodeId: string;
  name: string;
  host: string;
  isEnabled: boolean;
  /** The latest poll reached the node; null when it was never polled. */
  isReachable: boolean | null;
  lastPollAt: Date | null;
  lastError: string | null;
  /** The latest poll that answered, and its age in seconds (how old the figures shown are). */
  lastReachableAt: Date | null;
  ageSeconds: number | null;
  runningVersion: string | null;
  /** true: Rampart's chains or sets differ from what was confirmed; null: nothing to compare. */
  isDrifted: boolean | null;
  /** The drift in words (lib/observe/drift.ts), e.g. "Running state does not match confirmed version X: ..."; null from older snapshots. */
  driftMessage: string | null;
  /** What restores the confirmed version at the node's next boot; null: unknown (older agent or snapshot). */
  bootRestore: BootRestore | null;
  isFail2banUp: boolean | null;
  /** Bans the node's jails held at the last reachable poll. */
  currentBans: number | null;
  /** A host-key alert stops every connection until an administrator re-pins. */
  hasHostKeyAlert: boolean;
}

interface HealthRow {
  id: string;
  name: string;
  host: string;
  enabled: boolean;
  has_alert: boolean;
  last_at: Date | null;
  last_reachable: boolean | null;
  last_error: string | null;
  ok_at: Date | null;
  ok_format: number | null;
  running_version: string | null;
  drifted: boolean | null;
  drift_message: string | null;
  boot_restore: string | null;
  fail2ban_up: boolean | null;
  bans: number | null;
}

/** Health of every node, by name: reachability, last poll, age of the data, running version, drift. */
export async function clusterHealth(caller: Caller, now: Date = new Date()): Promise<NodeHealth[]> {
  assertPermission(caller, "nodes:read");
  return queryHealth(sql`TRUE`, now);
}

/** The same health of one node (the Node page, a repair); NOT_FOUND for an unknown id. */
export async function nodeHealth(caller: Caller, nodeId: string, now: Date = new Date()): Promise<NodeHealth> {
  assertPermission(caller, "nodes:read");
  assertNodeId(nodeId);
  const [health] = await queryHealth(sql`n.id = ${nodeId}::uuid`, now);
  if (!health) throw new AppError("NOT_FOUND", "The node does not exist.");
  return health;
}

async function queryHealth(nodeFilter: Prisma.Sql, now: Date): Promise<NodeHealth[]> {
  const rows = await getDb().$queryRaw<HealthRow[]>`
    SELECT n.id::text AS id, n.name, n.host, n.enabled, n.host_key_mismatch_fingerprint IS NOT NULL AS has_alert,
           l.taken_at AS last_at, l.is_reachable AS last_reachable, l.error AS last_error,
           r.taken_at AS ok_at, (r.data->>'format')::int AS ok_format,
           r.data->>'runningVersion' AS running_version,
           (r.data->'drift'->>'drifted')::boolean AS drifted,
           r.data->'drift'->>'message' AS drift_message, r.data->>'bootRestore' AS boot_restore,
           (r.data->>'isFail2banUp')::boolean AS fail2ban_up,
           (SELECT sum(jsonb_array_length(j->'bans'))::int FROM jsonb_array_elements(
              CASE WHEN jsonb_typeof(r.data->'jails') = 'array' THEN r.data->'jails' ELSE '[]'::jsonb END) j) AS bans
    FROM nodes n
    LEFT JOIN LATERAL (SELECT s.taken_at, s.is_reachable, s.error FROM node_snapshots s
                       WHERE s.node_id = n.id ORDER BY s.taken_at DESC LIMIT 1) l ON TRUE
    LEFT JOIN LATERAL (SELECT s.taken_at, s.data FROM node_snapshots s
                       WHERE s.node_id = n.id AND s.is_reachable ORDER BY s.taken_at DESC LIMIT 1) r ON TRUE
    WHERE ${nodeFilter}
    ORDER BY n.name`;
  return rows.map((row) => {
    const isKnownFormat = row.ok_format === SNAPSHOT_FORMAT;
    return {
      nodeId: row.id,
      name: row.name,
      host: row.host,
      isEnabled: row.enabled,
      isReachable: row.last_reachable,
      lastPollAt: row.last_at,
      lastError: row.last_error,
      lastReachableAt: row.ok_at,
      ageSeconds: ageSeconds(row.ok_at, now),
      runningVersion: isKnownFormat ? row.running_version : null,
      isDrifted: isKnownFormat ? row.drifted : null,
      driftMessage: isKnownFormat ? row.drift_message : null,
      bootRestore: isKnownFormat ? parseBootRestore(row.boot_restore ?? "") : null,
      isFail2banUp: isKnownFormat ? row.fail2ban_up : null,
      currentBans: isKnownFormat ? (row.bans ?? 0) : null,
      hasHostKeyAlert: row.has_alert,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Counter rates
// ---------------------------------------------------------------------------------------------------------

/** Packets per second by what the kernel counted: SIP packets seen and drops by reason. */
export interface PacketRates {
  sip: number;
  blocklist: number;
  banned: number;
  geoip: number;
  scanner: number;
  rateLimit: number;
}

export interface NodeCounterRates {
  nodeId: string;
  name: string;
  /** The two reachable snapshots compared; null when the node has fewer than two. */
  from: Date | null;
  to: Date | null;
  rates: PacketRates | null;
}

const RATE_KEYS = ["sip", "blocklist", "banned", "geoip", "scanner", "rateLimit"] as const;

interface RatePairRow {
  id: string;
  name: string;
  t1: Date | null;
  t0: Date | null;
  c1: unknown;
  c0: unknown;
}

function packetsOf(counters: unknown, key: (typeof RATE_KEYS)[number]): number | null {
  if (typeof counters !== "object" || counters === null) return null;
  const entry = (counters as Record<string, unknown>)[key];
  if (typeof entry !== "object" || entry === null) return null;
  const packets = (entry as { packets?: unknown }).packets;
  return typeof packets === "number" && Number.isFinite(packets) ? packets : null;
}

/**
 * Per-second rates between two cumulative counter readings. A counter that went down was reset (a push
 * reloads the chains): the new value counts from zero, which underestimates slightly instead of going negative.
 */
export function ratesBetween(before: unknown, after: unknown, seconds: number): PacketRates | null {
  if (!(seconds > 0)) return null;
  const rates = {} as PacketRates;
  for (const key of RATE_KEYS) {
    const a = packetsOf(before, key);
    const b = packetsOf(after, key);
    if (a === null || b === null) return null;
    rates[key] = Math.round(((b >= a ? b - a : b) / seconds) * 100) / 100;
  }
  return rates;
}

/** Counter rates of every node (or one) between its last two reachable snapshots. */
export async function latestCounterRates(caller: Caller, options: { nodeId?: string } = {}): Promise<NodeCounterRates[]> {
  assertPermission(caller, "nodes:read");
  if (options.nodeId !== undefined) assertNodeId(options.nodeId);
  const nodeFilter = options.nodeId === undefined ? sql`TRUE` : sql`n.id = ${options.nodeId}::uuid`;
  const rows = await getDb().$queryRaw<RatePairRow[]>`
    SELECT n.id::text AS id, n.name, s1.taken_at AS t1, s0.taken_at AS t0, s1.data->'counters' AS c1, s0.data->'counters' AS c0
    FROM nodes n
    LEFT JOIN LATERAL (SELECT s.taken_at, s.data FROM node_snapshots s WHERE s.node_id = n.id AND s.is_reachable
                       ORDER BY s.taken_at DESC LIMIT 1) s1 ON TRUE
    LEFT JOIN LATERAL (SELECT s.taken_at, s.data FROM node_snapshots s WHERE s.node_id = n.id AND s.is_reachable AND s.taken_at < s1.taken_at
                       ORDER BY s.taken_at DESC LIMIT 1) s0 ON TRUE
    WHERE ${nodeFilter}
    ORDER BY n.name`;
  return rows.map((row) => {
    const hasPair = row.t0 !== null && row.t1 !== null;
    return {
      nodeId: row.id,
      name: row.name,
      from: hasPair ? row.t0 : null,
      to: hasPair ? row.t1 : null,
      rates: hasPair ? ratesBetween(row.c0, row.c1, (row.t1!.getTime() - row.t0!.getTime()) / 1000) : null,
    };
  });
}

export interface RatePoint {
  /** Start of the bucket. */
  at: Date;
  rates: PacketRates;
}

interface SeriesRow {
  bucket: Date;
  sip: number;
  blocklist: number;
  banned: number;
  geoip: number;
  scanner: number;
  rate_limit: number;
}

/**
 * Cluster-wide (or one node's) packet rates over the last `minutes`, in buckets of `bucketSeconds`: the sum of
 * the counter increases between consecutive reachable snapshots that end in the bucket, divided by the bucket
 * length. Resets count from zero, as in ratesBetween. For the Overview's "SIP packets per second" chart.
 */
export async function counterRateSeries(
  caller: Caller,
  options: { nodeId?: string; minutes?: number; bucketSeconds?: number; now?: Date } = {},
): Promise<RatePoint[]> {
  assertPermission(caller, "nodes:read");
  if (options.nodeId !== undefined) assertNodeId(options.nodeId);
  const minutes = Math.min(Math.max(Math.trunc(options.minutes ?? 60), 1), SNAPSHOT_RETENTION_HOURS * 60);
  const bucket = Math.min(Math.max(Math.trunc(options.bucketSeconds ?? 60), 5), 3_600);
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - minutes * 60_000);
  const nodeFilter = options.nodeId === undefined ? sql`TRUE` : sql`s.node_id = ${options.nodeId}::uuid`;
  const delta = (key: string) => Prisma.raw(`GREATEST(0, CASE WHEN (c->'${key}'->>'packets')::float8 >= (p->'${key}'->>'packets')::float8
      THEN (c->'${key}'->>'packets')::float8 - (p->'${key}'->>'packets')::float8 ELSE (c->'${key}'->>'packets')::float8 END)`);
  const rows = await getDb().$queryRaw<SeriesRow[]>`
    WITH s AS (
      SELECT s.node_id, s.taken_at, s.data->'counters' AS c,
             lag(s.data->'counters') OVER (PARTITION BY s.node_id ORDER BY s.taken_at) AS p
      FROM node_snapshots s
      WHERE s.is_reachable AND s.taken_at >= ${new Date(since.getTime() - bucket * 1000)} AND s.taken_at <= ${now} AND ${nodeFilter}
    ), d AS (
      SELECT to_timestamp(floor(extract(epoch FROM taken_at) / ${bucket}) * ${bucket}) AS bucket,
             ${delta("sip")} AS sip, ${delta("blocklist")} AS blocklist, ${delta("banned")} AS banned,
             ${delta("geoip")} AS geoip, ${delta("scanner")} AS scanner, ${delta("rateLimit")} AS rate_limit
      FROM s WHERE p IS NOT NULL AND c IS NOT NULL AND taken_at >= ${since}
    ), g AS (
      SELECT generate_series(to_timestamp(floor(extract(epoch FROM ${since}::timestamptz) / ${bucket}) * ${bucket}),
                             ${now}::timestamptz, make_interval(secs => ${bucket})) AS bucket
    )
    SELECT g.bucket, COALESCE(sum(d.sip), 0)::float8 AS sip, COALESCE(sum(d.blocklist), 0)::float8 AS blocklist,
           COALESCE(sum(d.banned), 0)::float8 AS banned, COALESCE(sum(d.geoip), 0)::float8 AS geoip,
           COALESCE(sum(d.scanner), 0)::float8 AS scanner, COALESCE(sum(d.rate_limit), 0)::float8 AS rate_limit
    FROM g LEFT JOIN d ON d.bucket = g.bucket
    GROUP BY g.bucket ORDER BY g.bucket`;
  const perSecond = (value: number) => Math.round((value / bucket) * 100) / 100;
  return rows.map((row) => ({
    at: row.bucket,
    rates: {
      sip: perSecond(row.sip),
      blocklist: perSecond(row.blocklist),
      banned: perSecond(row.banned),
      geoip: perSecond(row.geoip),
      scanner: perSecond(row.scanner),
      rateLimit: perSecond(row.rate_limit),
    },
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Ban statistics (from ban_events)
// ---------------------------------------------------------------------------------------------------------

export interface BanCountPoint {
  /** Start of the hour or day (UTC). */
  at: Date;
  /** Bans that started in the bucket (each address, jail and node counts once per ban). */
  bans: number;
  /** Distinct addresses banned in the bucket. */
  addresses: number;
}

async function banCounts(unit: "hour" | "day", count: number, now: Date): Promise<BanCountPoint[]> {
  const step = unit === "hour" ? "1 hour" : "1 day";
  const rows = await getDb().$queryRaw<{ at: Date; bans: number; addresses: number }[]>`
    WITH g AS (
      SELECT generate_series(date_trunc(${unit}, ${now}::timestamptz AT TIME ZONE 'UTC') - (${count - 1} * ${step}::interval),
                             date_trunc(${unit}, ${now}::timestamptz AT TIME ZONE 'UTC'), ${step}::interval) AT TIME ZONE 'UTC' AS at
    )
    SELECT g.at, count(e.id)::int AS bans, count(DISTINCT e.address)::int AS addresses
    FROM g LEFT JOIN ban_events e ON e.banned_at >= g.at AND e.banned_at < g.at + ${step}::interval
    GROUP BY g.at ORDER BY g.at`;
  return rows;
}

/** Bans started per hour over the last 24 hours (24 points, oldest first, empty hours included). */
export function bansPerHour(caller: Caller, now: Date = new Date()): Promise<BanCountPoint[]> {
  assertPermission(caller, "nodes:read");
  return banCounts("hour", 24, now);
}

/** Bans started per day over the last 7 days (7 points, oldest first, UTC days). */
export function bansPerDay(caller: Caller, now: Date = new Date()): Promise<BanCountPoint[]> {
  assertPermission(caller, "nodes:read");
  return banCounts("day", 7, now);
}

export interface TopAddress {
  address: string;
  country: string | null;
  bans: number;
  /** Distinct nodes that banned it in the window. */
  nodes: number;
  lastBannedAt: Date;
}

export interface TopCountry {
  /** ISO 3166-1 alpha-2, or null for addresses without a known country. */
  country: string | null;
  bans: number;
  addresses: number;
}

export interface TopOffenders {
  since: Date;
  addresses: TopAddress[];
  countries: TopCountry[];
}

/** The most banned addresses and countries since `hours` ago (default 24 h), by number of bans. */
export async function topOffenders(caller: Caller, options: { hours?: number; limit?: number; now?: Date } = {}): Promise<TopOffenders> {
  assertPermission(caller, "nodes:read");
  const hours = Math.min(Math.max(Math.trunc(options.hours ?? 24), 1), 24 * 31);
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 10), 1), 100);
  const since = new Date((options.now ?? new Date()).getTime() - hours * 3_600_000);
  const db = getDb();
  const [addresses, countries] = await Promise.all([
    db.$queryRaw<{ address: string; country: string | null; bans: number; nodes: number; last_banned_at: Date }[]>`
      SELECT abbrev(e.address) AS address, max(e.country) AS country, count(*)::int AS bans,
             count(DISTINCT e.node_id)::int AS nodes, max(e.banned_at) AS last_banned_at
      FROM ban_events e WHERE e.banned_at >= ${since}
      GROUP BY e.address ORDER BY count(*) DESC, max(e.banned_at) DESC, e.address LIMIT ${limit}`,
    db.$queryRaw<{ country: string | null; bans: number; addresses: number }[]>`
      SELECT e.country, count(*)::int AS bans, count(DISTINCT e.address)::int AS addresses
      FROM ban_events e WHERE e.banned_at >= ${since}
      GROUP BY e.country ORDER BY count(*) DESC, e.country NULLS LAST LIMIT ${limit}`,
  ]);
  return {
    since,
    addresses: addresses.map((r) => ({ address: r.address, country: r.country?.trim() || null, bans: r.bans, nodes: r.nodes, lastBannedAt: r.last_banned_at })),
    countries: countries.map((r) => ({ country: r.country?.trim() || null, bans: r.bans, addresses: r.addresses })),
  };
}
