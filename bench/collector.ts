/**
 * Collector benchmark against 20 lab nodes (real sshd, iptables, ipset, fail2ban in namespaces) with a typical
 * policy pushed: one collector cycle over every node (observe over SSH, parse, snapshot, ban merge), cold (new
 * connections, agent check) and warm (reused connections, as every poll after the first), with wall time and
 * this process's CPU. Needs root and the lab tools; says so and skips otherwise.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { downLab, upLab, type LabDescription } from "@/lab/cluster";
import { disconnectDb, getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { loadAgentScript } from "@/lib/deploy/agent-script";
import { pushVersionToNode } from "@/lib/deploy/node-push";
import { setEmbeddedDatabaseUrl } from "@/lib/env";
import { createMemoryGeoIpSource } from "@/lib/rules/geoip";
import { renderRuleset } from "@/lib/rules/render";
import { typicalSingleTenantPolicy } from "@/lib/rules/testing/fixtures";
import { createTestDatabase } from "@/test/database";

import { labUnavailable } from "./lab";

const NODES = 20;
const WARM_CYCLES = 5;

function targetOf(node: LabDescription["nodes"][number]) {
  return { host: node.host, port: node.port, user: node.user, privateKey: readFileSync(node.keyPath, "utf8"), hostKeyFingerprint: node.hostKeyFingerprint };
}

export async function benchCollector(): Promise<void> {
  const unavailable = labUnavailable();
  if (unavailable !== null) {
    console.log(`skipped: ${unavailable}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "rampart-bench-collector-"));
  const db = await createTestDatabase("rampart_bench_collector");
  const lab = await upLab(NODES, dir);
  try {
    await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
    process.env.RAMPART_SECRET_KEY = randomBytes(32).toString("base64url");
    process.env.RAMPART_GEOIP_DIR = lab.geo!.dir;
    await disconnectDb();
    setEmbeddedDatabaseUrl(db.url);
    // Loaded after the environment is set (the key and GeoIP directory are read on first use).
    const { sealNodeKey } = await import("@/lib/crypto/node-keys");
    const { runCollectorCycle } = await import("@/lib/observe/collector");
    const { closeAllNodeConnections } = await import("@/lib/observe/node-connections");

    const typical = renderRuleset(typicalSingleTenantPolicy(), { nodeName: "bench", managementAddresses: [lab.panelAddress], tags: [] }, createMemoryGeoIpSource("none", {}), { now: new Date() });
    let started = Date.now();
    await Promise.all(
      lab.nodes.map(async (node) => {
        const outcome = await pushVersionToNode({
          target: targetOf(node),
          version: { hash: typical.hash, files: typical.files, manifest: typical.manifest },
          deploymentId: randomUUID(),
          timerSeconds: 120,
          agent: loadAgentScript(),
          report: () => undefined,
        });
        if (outcome.state !== "CONFIRMED") throw new Error(`${node.name}: ${outcome.state} ${outcome.message}`);
      }),
    );
    console.log(`typical policy pushed to ${NODES} lab nodes in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const privateKey = readFileSync(lab.nodes[0]!.keyPath, "utf8");
    for (const node of lab.nodes) {
      await getDb().node.create({
        data: { name: node.name, host: node.host, port: node.port, sshUser: node.user, hostKeyFingerprint: node.hostKeyFingerprint, encryptedPrivateKey: new Uint8Array(sealNodeKey(privateKey)) },
      });
    }

    const cycle = async () => {
      const cpu = process.cpuUsage();
      const result = await runCollectorCycle();
      const used = process.cpuUsage(cpu);
      const unreachable = result.results.filter((r) => !r.isReachable);
      if (unreachable.length > 0) throw new Error(`unreachable: ${unreachable.map((r) => `${r.nodeName} (${r.error})`).join(", ")}`);
      const slowest = Math.max(...result.results.map((r) => r.pollMs));
      return { wallMs: result.wallMs, cpuMs: (used.user + used.system) / 1000, slowest };
    };
    const ms = (value: number) => `${value.toFixed(0)} ms`;

    const cold = await cycle();
    console.log(`collector cycle over ${NODES} nodes, cold (new SSH connections, agent check): wall ${ms(cold.wallMs)}, CPU ${ms(cold.cpuMs)}, slowest node ${ms(cold.slowest)}`);
    const warm: Awaited<ReturnType<typeof cycle>>[] = [];
    started = Date.now();
    for (let i = 0; i < WARM_CYCLES; i++) warm.push(await cycle());
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(
      `collector cycle over ${NODES} nodes, warm (reused connections), median of ${WARM_CYCLES}: wall ${ms(median(warm.map((w) => w.wallMs)))}, ` +
        `CPU ${ms(median(warm.map((w) => w.cpuMs)))}, slowest node ${ms(median(warm.map((w) => w.slowest)))} — against a 15 s interval`,
    );
    closeAllNodeConnections();
  } finally {
    await disconnectDb().catch(() => undefined);
    await downLab(dir);
    await db.drop();
  }
}
