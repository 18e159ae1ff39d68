/**
 * The collector: reads one node over its reused SSH connection (`observe`, a fixed command of the closed set),
 * parses the output, stores a snapshot, merges the node's fail2ban bans into ban_events (with the country of
 * each address), stores the call records the node's Asterisk wrote since the last poll (call_records), and —
 * when the platform setting is on — turns successful registrations into temporary whitelist entries. Every node is polled on its own with its own deadline, so an unreachable or slow node
 * only produces an "unreachable" snapshot of its own and never holds up the others.
 *
 * The job queue (lib/jobs) calls collectNode once per node and interval; tests and the bench call
 * runCollectorCycle directly.
 */

import { getDb } from "@/lib/db/client";
import { getAutoWhitelistSettings, recordAutoWhitelist, type AutoWhitelistResult } from "@/lib/db/queries/auto-whitelist";
import { recordBanObservations, type ObservationResult, type ObservedBan } from "@/lib/db/queries/bans";
import { recordCallRecords, type CallRecordsResult } from "@/lib/db/queries/call-records";
import { recordNodeSnapshot } from "@/lib/db/queries/snapshots";
import { guardClusterUpload } from "@/lib/observe/guard-cluster";
import { isAppError } from "@/lib/errors";
import { summarizeCountries } from "@/lib/geo/countries";
import { locateAddress } from "@/lib/geo/countries";
import { parseNetwork } from "@/lib/net/parse";
import { geoIpDatasetDir } from "@/lib/geo/dataset-dir";
import { loadGeoIpDataset } from "@/lib/rules/geo-data";
import type { GeoIpSource } from "@/lib/rules/geoip";
import { explainNodeSshFailure, POLL_PROBE_REUSE_MS } from "@/lib/deploy/unreachable";
import { NODE_DIR } from "@/lib/ssh/commands";
import { isSshError } from "@/lib/ssh/errors";

import { pruneNodeConnections, withNodeConnection } from "./node-connections";
import { parseObserveOutput } from "./observe-output";

/**
 * Where the panel acknowledges the call records and successful registrations it stored (the agent's observe takes
 * them; see take_ack in rampart-node.sh). Until then the node sends the same lines again.
 */
export const CDR_ACK_PATH = `${NODE_DIR}/cdrs.ack`;
export const REGISTRATION_ACK_PATH = `${NODE_DIR}/registrations.ack`;

/** Deadline of one `observe` run: well inside the default 15 s interval. */
export const OBSERVE_DEADLINE_MS = 10_000;

export interface CollectResult {
  nodeId: string;
  nodeName: string;
  isReachable: boolean;
  error: string | null;
  pollMs: number;
  bans: Pick<ObservationResult, "inserted" | "updated" | "closed"> | null;
  newBans: ObservationResult["newBans"];
  autoWhitelist: AutoWhitelistResult | null;
  /** Call records read and newly stored, and the CDR lines refused (also in the snapshot); null when the node was not read. */
  /** `acknowledged`: the node was told these records are stored, so its next read starts after them. */
  callRecords: (CallRecordsResult & { rejected: number; acknowledged: boolean }) | null;
}

export interface CollectOptions {
  now?: () => Date;
  observeDeadlineMs?: number;
  /** Called with each node's new bans (the notifier hooks in here). */
  onNewBans?: (nodeId: string, nodeName: string, bans: ObservationResult["newBans"]) => void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Country of a banned address
// ---------------------------------------------------------------------------------------------------------

interface GeoIndex {
  source: GeoIpSource;
  codes: string[];
}

let geoIndex: Promise<GeoIndex | null> | undefined;
const countryCache = new Map<string, string | null>();
const COUNTRY_CACHE_MAX = 50_000;

function loadGeoIndex(): Promise<GeoIndex | null> {
  geoIndex ??= (async () => {
    try {
      const source = await loadGeoIpDataset(geoIpDatasetDir());
      return { source, codes: summarizeCountries(source).map((c) => c.code) };
    } catch (error) {
      // Without the dataset bans are still recorded, only without a country.
      console.error(`rampart collector: GeoIP data unavailable (${error instanceof Error ? error.message : String(error)}); bans get no country`);
      return null;
    }
  })();
  return geoIndex;
}

async function countryOf(address: string): Promise<string | null> {
  if (countryCache.has(address)) return countryCache.get(address) ?? null;
  const index = await loadGeoIndex();
  const parsed = parseNetwork(address);
  let country: string | null = null;
  if (index && parsed.ok) {
    const location = locateAddress(index.source, index.codes, parsed.value);
    country = location.kind === "country" ? location.code : null;
  }
  if (countryCache.size >= COUNTRY_CACHE_MAX) countryCache.clear();
  countryCache.set(address, country);
  return country;
}

// ---------------------------------------------------------------------------------------------------------
// One node
// ---------------------------------------------------------------------------------------------------------

function describeError(error: unknown): string {
  if (isSshError(error) || isAppError(error) || error instanceof Error) return error.message;
  return "The node could not be read.";
}

/** Polls one node and stores what it found; never throws for node trouble (that becomes the snapshot). */
export async function collectNode(nodeId: string, options: CollectOptions = {}): Promise<CollectResult> {
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const node = await getDb().node.findUnique({ where: { id: nodeId }, select: { id: true, name: true } });
  if (!node) return { nodeId, nodeName: "", isReachable: false, error: "The node does not exist.", pollMs: 0, bans: null, newBans: [], autoWhitelist: null, callRecords: null };

  let output: string;
  try {
    output = await withNodeConnection(nodeId, async ({ session }) => {
      const result = await session.run("observe", options.observeDeadlineMs ?? OBSERVE_DEADLINE_MS);
      if (result.code !== 0) throw new Error(`observe failed on the node: ${result.stderr.trim().split("\n").slice(-2).join(" ") || `exit ${result.code}`}`);
      return result.stdout;
    });
  } catch (error) {
    const pollMs = Date.now() - started;
    // Only an SSH connect failure is diagnosed (others return null here); command failures keep their message.
    const message = (await explainNodeSshFailure(nodeId, error, { maxProbeAgeMs: POLL_PROBE_REUSE_MS })) ?? describeError(error);
    await recordNodeSnapshot({ nodeId, takenAt: now(), isReachable: false, error: message, rulesetHash: null, driftDigest: null, observation: null });
    return { nodeId, nodeName: node.name, isReachable: false, error: message, pollMs, bans: null, newBans: [], autoWhitelist: null, callRecords: null };
  }

  const takenAt = now();
  const pollMs = Date.now() - started;
  let parsed;
  try {
    parsed = parseObserveOutput(output, pollMs);
  } catch (error) {
    const message = describeError(error);
    await recordNodeSnapshot({ nodeId, takenAt, isReachable: false, error: message, rulesetHash: null, driftDigest: null, observation: null });
    return { nodeId, nodeName: node.name, isReachable: false, error: message, pollMs, bans: null, newBans: [], autoWhitelist: null, callRecords: null };
  }

  const { observation } = parsed;
  await recordNodeSnapshot({
    nodeId,
    takenAt,
    isReachable: true,
    error: null,
    rulesetHash: observation.runningVersion,
    driftDigest: observation.drift.digest,
    observation,
  });

  // Only jails fail2ban answered for are complete lists: bans of jails not read are left as they are.
  let bans: CollectResult["bans"] = null;
  let newBans: ObservationResult["newBans"] = [];
  if (parsed.isFail2banUp) {
    const observed: ObservedBan[] = [];
    for (const jail of parsed.jails) {
      for (const ban of jail.bans) {
        observed.push({ jail: jail.jail, address: ban.address, bannedAt: ban.bannedAt, expiresAt: ban.expiresAt, country: await countryOf(ban.address) });
      }
    }
    const result = await recordBanObservations(nodeId, { jails: parsed.jails.map((j) => j.jail), bans: observed }, takenAt);
    bans = { inserted: result.inserted, updated: result.updated, closed: result.closed };
    newBans = result.newBans;
    if (newBans.length > 0 && options.onNewBans) await options.onNewBans(nodeId, node.name, newBans);
  }

  // The node prints the same records until the panel acknowledges them (below), and the panel acknowledges only what
  // it stored: a database or connection failure here means the next poll reads them again, never that they are lost.
  const callRecords = { ...(await recordCallRecords(nodeId, parsed.callRecords, takenAt)), rejected: observation.rejectedLines.cdrs ?? 0, acknowledged: false };

  let autoWhitelist: AutoWhitelistResult | null = null;
  if (parsed.registrations.length > 0) {
    const settings = await getAutoWhitelistSettings();
    if (settings.isEnabled) {
      autoWhitelist = await recordAutoWhitelist(
        parsed.registrations.map((r) => ({ address: r.address, accountId: r.accountId, nodeName: node.name })),
        settings.ttlSeconds,
        takenAt,
      );
    }
  }

  // Everything read is stored: the node may read on past it (one upload for both sections), and the node's call
  // guard gets the cluster's spend and blocks as of now in the same upload (lib/observe/guard-cluster.ts).
  const guardCluster = await guardClusterUpload(nodeId, takenAt).catch(() => null);
  const acks = [
    ...(guardCluster === null ? [] : [guardCluster]),
    ...(parsed.cdrAcknowledgement === null ? [] : [{ path: CDR_ACK_PATH, content: `${parsed.cdrAcknowledgement}\n` }]),
    ...(parsed.registrationAcknowledgement === null ? [] : [{ path: REGISTRATION_ACK_PATH, content: `${parsed.registrationAcknowledgement}\n` }]),
  ];
  if (acks.length > 0) {
    try {
      await withNodeConnection(nodeId, ({ session }) => session.upload(acks));
      callRecords.acknowledged = parsed.cdrAcknowledgement !== null;
    } catch {
      // Read again next poll (stored once).
    }
  }

  return { nodeId, nodeName: node.name, isReachable: true, error: null, pollMs, bans, newBans, autoWhitelist, callRecords };
}

// ---------------------------------------------------------------------------------------------------------
// All nodes
// ---------------------------------------------------------------------------------------------------------

/** The nodes the collector polls: enabled, with a key and a pinned host key. */
export async function listCollectableNodeIds(): Promise<string[]> {
  const nodes = await getDb().node.findMany({
    where: { enabled: true, encryptedPrivateKey: { not: null }, hostKeyFingerprint: { not: null } },
    select: { id: true },
    orderBy: { name: "asc" },
  });
  return nodes.map((n) => n.id);
}

export interface CycleResult {
  results: CollectResult[];
  wallMs: number;
}

/**
 * Polls every collectable node (or the ones given) at once, each with its own deadline, and closes pooled
 * connections of nodes that are no longer polled. The job queue does the same work spread over workers.
 */
export async function runCollectorCycle(options: CollectOptions & { nodeIds?: string[] } = {}): Promise<CycleResult> {
  const started = Date.now();
  const nodeIds = options.nodeIds ?? (await listCollectableNodeIds());
  if (options.nodeIds === undefined) pruneNodeConnections(new Set(nodeIds));
  const results = await Promise.all(nodeIds.map((id) => collectNode(id, options)));
  return { results, wallMs: Date.now() - started };
}
