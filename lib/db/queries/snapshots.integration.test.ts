import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import { emptyDropCounters } from "@/lib/observe/counters";
import { SNAPSHOT_FORMAT, type NodeObservation } from "@/lib/observe/snapshot";
import { bansPerDay, bansPerHour, topOffenders, clusterHealth, counterRateSeries, latestCounterRates, latestObservation, ratesBetween, recordNodeSnapshot } from "./snapshots";

afterAll(async () => {
  await disconnectDb();
});

const viewer: Caller = { role: "VIEWER", tenantId: null, actor: { type: "CLI", id: null, label: "it-snapshots" } };
const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: randomUUID(), actor: { type: "CLI", id: null, label: "it-snapshots-tenant" } };

function observation(sipPackets: number, version = "a".repeat(64)): NodeObservation {
  const counters = emptyDropCounters();
  counters.sip.packets = sipPackets;
  counters.scanner.packets = Math.floor(sipPackets / 10);
  return {
    format: SNAPSHOT_FORMAT,
    nodeTime: new Date().toISOString(),
    pollMs: 12,
    runningVersion: version,
    drift: { digest: "d1", confirmedDigest: "d1", drifted: false },
    isFail2banUp: true,
    jails: [{ jail: "rampart-asterisk", currentlyFailed: 0, totalFailed: 3, currentlyBanned: 1, totalBanned: 1, bans: [{ address: "198.18.0.9", family: 4, bannedAt: null, expiresAt: null, isPermanent: false }] }],
    rateTable: [],
    recent: [],
    counters,
    registrations: [],
    rejectedLines: {},
  };
}

describe("snapshot queries", () => {
  it("keeps the last reachable data visible with its age while the node is unreachable", async () => {
    const node = await getDb().node.create({ data: { name: `it-snap-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" } });
    const t0 = new Date(Date.now() - 60_000);
    const t1 = new Date(t0.getTime() + 15_000);
    const t2 = new Date(t1.getTime() + 15_000);
    await recordNodeSnapshot({ nodeId: node.id, takenAt: t0, isReachable: true, error: null, rulesetHash: "a".repeat(64), driftDigest: "d1", observation: observation(1000) });
    await recordNodeSnapshot({ nodeId: node.id, takenAt: t1, isReachable: true, error: null, rulesetHash: "a".repeat(64), driftDigest: "d1", observation: observation(1300) });
    await recordNodeSnapshot({ nodeId: node.id, takenAt: t2, isReachable: false, error: "Cannot reach it", rulesetHash: null, driftDigest: null, observation: null });

    const latest = await latestObservation(viewer, node.id, new Date(t2.getTime() + 1_000));
    expect(latest.lastPoll).toMatchObject({ isReachable: false, error: "Cannot reach it" });
    expect(latest.observedAt?.getTime()).toBe(t1.getTime());
    expect(latest.ageSeconds).toBe(16);
    expect(latest.observation?.counters.sip.packets).toBe(1300);

    const health = (await clusterHealth(viewer)).find((h) => h.nodeId === node.id);
    expect(health).toMatchObject({ isReachable: false, lastError: "Cannot reach it", runningVersion: "a".repeat(64), isDrifted: false, currentBans: 1 });

    const rates = (await latestCounterRates(viewer, { nodeId: node.id }))[0];
    expect(rates?.rates).toMatchObject({ sip: 20, scanner: 2 });

    const series = await counterRateSeries(viewer, { nodeId: node.id, minutes: 5, bucketSeconds: 300, now: new Date(t2.getTime() + 1_000) });
    expect(series.reduce((sum, p) => sum + p.rates.sip * 300, 0)).toBeCloseTo(300, 0);
  });

  it("counts a counter reset from zero and refuses tenant admins", async () => {
    const before = { sip: { packets: 500 }, blocklist: { packets: 0 }, banned: { packets: 0 }, geoip: { packets: 0 }, scanner: { packets: 0 }, rateLimit: { packets: 0 } };
    const after = { ...before, sip: { packets: 30 } };
    expect(ratesBetween(before, after, 15)?.sip).toBe(2);
    await expect(clusterHealth(tenantAdmin)).rejects.toThrow(/permission/);
  });

  it("gives ban counts per hour and day with empty buckets, and top offenders", async () => {
    const node = await getDb().node.create({ data: { name: `it-snap-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" } });
    const now = new Date();
    const address = `2001:db8:5e:${Math.floor(Math.random() * 0xffff).toString(16)}::7`;
    await getDb().$executeRaw`INSERT INTO ban_events (node_id, jail, address, family, country, first_seen_at, last_seen_at, banned_at)
      VALUES (${node.id}::uuid, 'rampart-asterisk', ${address}::inet, 6, 'ZZ', ${now}, ${now}, ${now}), (${node.id}::uuid, 'rampart-recidive', ${address}::inet, 6, 'ZZ', ${now}, ${now}, ${now})`;
    const hours = await bansPerHour(viewer, now);
    expect(hours).toHaveLength(24);
    expect(hours[23]!.bans).toBeGreaterThanOrEqual(2);
    const days = await bansPerDay(viewer, now);
    expect(days).toHaveLength(7);
    const top = await topOffenders(viewer, { hours: 1, limit: 100 });
    expect(top.addresses.find((a) => a.address === address)).toMatchObject({ bans: 2, nodes: 1, country: "ZZ" });
    expect(top.countries.find((c) => c.country === "ZZ")?.bans).toBeGreaterThanOrEqual(2);
  });
});
