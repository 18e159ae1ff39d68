import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { SNAPSHOT_FORMAT } from "@/lib/observe/snapshot";
import { hashArtefacts } from "@/lib/rules/hash";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { generateClientKey } from "@/lib/ssh/keys";
import { expectAppError } from "@/test/app-error";

import { planNodeRepair, repairNode } from "./repair";

// repairNode against the real database: which stored version a repair pushes (the confirmed deployment first,
// else the version the collector saw running if it is stored), its refusals and its permission. The nodes
// point at a local TCP listener that drops every connection, so each push ends unreachable without SSH; what
// is asserted is the batch the repair planned and recorded.

vi.stubEnv("RAMPART_SECRET_KEY", `repair-integration-${randomBytes(24).toString("hex")}`);

const actor = (label: string) => ({ type: "USER" as const, id: randomUUID(), label: `${label}-${randomUUID().slice(0, 8)}@example.test`, ip: "192.0.2.8" });
const admin: Caller = { role: "ADMIN", tenantId: null, actor: actor("repair-admin") };
const operator: Caller = { role: "OPERATOR", tenantId: null, actor: actor("repair-operator") };
const viewer: Caller = { role: "VIEWER", tenantId: null, actor: actor("repair-viewer") };
const FINGERPRINT = `SHA256:${"B".repeat(43)}`;
const FAST = { deadlines: { connectMs: 2_000, handshakeMs: 2_000, commandMs: 2_000, uploadMs: 2_000 } };

let server: Server;
let listenPort = 0;
const createdNodes: string[] = [];

/** A stored version with valid artefacts (its hash checks out), distinct per call; versions are append-only. */
async function storeVersion(): Promise<string> {
  const rest = { "iptables.restore": `# repair-it ${randomUUID()}\n` };
  const hash = hashArtefacts(rest);
  const files = { ...rest, [ARTEFACT_PATHS.manifest]: JSON.stringify({ version: hash }) };
  await getDb().rulesetVersion.create({ data: { hash, author: "repair-it", policy: {}, manifest: { version: hash }, artefacts: new Uint8Array(encodeArtefacts(files)) } });
  return hash;
}

async function addNode(overrides: Partial<Prisma.NodeCreateInput> = {}): Promise<{ id: string; name: string }> {
  const name = `repair-${randomUUID().slice(0, 8)}`;
  const node = await getDb().node.create({
    data: {
      name,
      host: "127.0.0.1",
      port: listenPort,
      sshUser: "rampart",
      hostKeyFingerprint: FINGERPRINT,
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("repair-it").privateKey)),
      ...overrides,
    },
  });
  createdNodes.push(node.id);
  return { id: node.id, name };
}

async function addConfirmed(nodeId: string, hash: string, createdAt = new Date()): Promise<void> {
  const version = await getDb().rulesetVersion.findUniqueOrThrow({ where: { hash } });
  await getDb().deployment.create({
    data: { batchId: randomUUID(), nodeId, rulesetId: version.id, state: "CONFIRMED", progress: 100, requestedBy: "repair-it", createdAt, finishedAt: createdAt },
  });
}

/** A reachable poll as the collector stores it; `drifted` null: nothing to compare. */
async function addSnapshot(nodeId: string, runningVersion: string | null, drifted: boolean | null, message?: string): Promise<void> {
  await getDb().nodeSnapshot.create({
    data: {
      nodeId,
      takenAt: new Date(),
      isReachable: true,
      rulesetHash: runningVersion,
      driftDigest: "d2",
      data: { format: SNAPSHOT_FORMAT, runningVersion, drift: { digest: "d2", confirmedDigest: drifted === null ? null : drifted ? "d1" : "d2", drifted, ...(message ? { message } : {}) } },
    },
  });
}

/** The deployments a batch created: node and version hash. */
async function batchOf(batchId: string) {
  const rows = await getDb().deployment.findMany({ where: { batchId }, select: { nodeId: true, ruleset: { select: { hash: true } } } });
  return rows.map((r) => ({ nodeId: r.nodeId, hash: r.ruleset.hash }));
}

beforeAll(async () => {
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  listenPort = (server.address() as { port: number }).port;
});

afterAll(async () => {
  const db = getDb();
  await db.deployment.deleteMany({ where: { nodeId: { in: createdNodes } } });
  await db.node.deleteMany({ where: { id: { in: createdNodes } } });
  await new Promise((resolve) => server.close(resolve));
});

describe("repairNode", () => {
  it("re-applies the node's latest confirmed version, not a newer snapshot hash, and records why", async () => {
    const [older, confirmed, seen] = [await storeVersion(), await storeVersion(), await storeVersion()];
    const node = await addNode();
    await addConfirmed(node.id, older, new Date(Date.now() - 3_600_000));
    await addConfirmed(node.id, confirmed);
    const drift = `Running state does not match confirmed version ${confirmed.slice(0, 12)}: Rampart's chains or sets were changed outside Rampart. Push again to restore them.`;
    await addSnapshot(node.id, seen, true, drift);

    const { batchId, version, done } = await repairNode(operator, node.id, { timerSeconds: 30 }, FAST);
    expect(version).toBe(confirmed);
    expect(await batchOf(batchId)).toEqual([{ nodeId: node.id, hash: confirmed }]);
    const summary = await done;
    // Nothing answers SSH here: the push ends without confirmation, and says so per node.
    expect(summary.states[node.name]).not.toBe("CONFIRMED");

    const audit = await getDb().auditLog.findMany({ where: { OR: [{ objectId: batchId }, { objectId: node.id, action: "node.repair" }] } });
    const byAction = Object.fromEntries(audit.map((a) => [a.action, a]));
    expect(Object.keys(byAction).sort()).toEqual(["node.repair", "push.finish", "push.rollback"]);
    expect(byAction["push.rollback"]).toMatchObject({
      actorLabel: operator.actor.label,
      after: { target: { kind: "nodes", names: [node.name] }, nodes: [{ node: node.name, version: confirmed }], timerSeconds: 30 },
    });
    expect(byAction["node.repair"]).toMatchObject({
      actorLabel: operator.actor.label,
      after: { node: node.name, batchId, version: confirmed, versionSource: "deployment", isDrifted: true, driftMessage: drift, force: false },
    });
  });

  it("falls back to the running version of the latest snapshot when it is a stored version", async () => {
    const seen = await storeVersion();
    const node = await addNode();
    await addSnapshot(node.id, seen, true);
    expect((await planNodeRepair(viewer, node.name)).version).toEqual({ hash: seen, source: "snapshot" });
    const { batchId, done } = await repairNode(admin, node.name, {}, FAST);
    await done;
    expect(await batchOf(batchId)).toEqual([{ nodeId: node.id, hash: seen }]);
  });

  it("refuses a node with no confirmed version Rampart stored, creating nothing", async () => {
    const node = await addNode();
    await addSnapshot(node.id, "f".repeat(64), true);
    const error = await expectAppError(repairNode(admin, node.id, { force: true }, FAST), "CONFLICT");
    expect(error.message).toBe(`Node ${node.name} has no confirmed version to re-apply: push the current policy instead.`);
    expect(await getDb().deployment.count({ where: { nodeId: node.id } })).toBe(0);
  });

  it("refuses a node that runs its confirmed version unless forced", async () => {
    const hash = await storeVersion();
    const node = await addNode();
    await addConfirmed(node.id, hash);
    await addSnapshot(node.id, hash, false);
    const error = await expectAppError(repairNode(admin, node.id, {}, FAST), "CONFLICT");
    expect(error.status).toBe(409);
    expect(error.message).toBe(`Node ${node.name} runs its confirmed version; nothing to repair.`);
    expect(await getDb().deployment.count({ where: { nodeId: node.id } })).toBe(1);

    const { batchId, done } = await repairNode(admin, node.id, { force: true }, FAST);
    await done;
    expect(await batchOf(batchId)).toEqual([{ nodeId: node.id, hash }]);
    const record = await getDb().auditLog.findFirstOrThrow({ where: { objectId: node.id, action: "node.repair" } });
    expect(record.after).toMatchObject({ force: true, isDrifted: false });
  });

  it("refuses a node without a drift report (never polled) unless forced", async () => {
    const hash = await storeVersion();
    const node = await addNode();
    await addConfirmed(node.id, hash);
    await expectAppError(
      repairNode(admin, node.id, {}, FAST),
      "CONFLICT",
      new RegExp(`^Rampart cannot tell whether node ${node.name} drifted\\. The collector has not reported on it yet\\. Repair it with force to re-apply version ${hash.slice(0, 12)} anyway\\.$`),
    );
    const { done } = await repairNode(admin, node.id, { force: true }, FAST);
    await done;
  });

  it("refuses a disabled node", async () => {
    const hash = await storeVersion();
    const node = await addNode({ enabled: false });
    await addConfirmed(node.id, hash);
    await addSnapshot(node.id, hash, true);
    await expectAppError(repairNode(admin, node.id, {}, FAST), "CONFLICT", /^Node repair-[0-9a-f]{8} is disabled: enable it in its settings before repairing it\.$/);
  });

  it("needs the permission pushes need: a viewer and a tenant administrator are refused", async () => {
    const hash = await storeVersion();
    const node = await addNode();
    await addConfirmed(node.id, hash);
    await addSnapshot(node.id, hash, true);
    const tenant = await getDb().tenant.create({ data: { name: `repair-it-${randomUUID().slice(0, 8)}` } });
    const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: tenant.id, actor: actor("repair-tenant") };
    try {
      for (const caller of [viewer, tenantAdmin]) {
        await expectAppError(repairNode(caller, node.id, {}, FAST), "FORBIDDEN", /^You do not have permission to do this\.$/);
      }
      expect(await getDb().deployment.count({ where: { nodeId: node.id } })).toBe(1);
    } finally {
      await getDb().tenant.delete({ where: { id: tenant.id } });
    }
  });

  it("validates the request with the shared schema and answers NOT_FOUND for an unknown node", async () => {
    const node = await addNode();
    const error = await expectAppError(repairNode(admin, node.id, { timerSeconds: 5 }, FAST), "VALIDATION", /^Rollback timer must be a whole number from 10 to 600\.$/);
    expect(error.fieldErrors).toEqual({ timerSeconds: ["Rollback timer must be a whole number from 10 to 600."] });
    await expectAppError(repairNode(admin, node.id, { force: "yes" }, FAST), "VALIDATION", /^force must be true or false\.$/);
    await expectAppError(repairNode(admin, randomUUID(), {}, FAST), "NOT_FOUND");
  });
});
