import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import type { Caller } from "@/lib/auth/caller";
import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { renderCurrentRuleset } from "@/lib/rulesets/current";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { generateClientKey } from "@/lib/ssh/keys";
import { expectAppError } from "@/test/app-error";

import type { NodeTransport } from "@/lib/ssh/transport";

import { startPush } from "./batch";
import { SCRIPTED_OLD_VERSION, SCRIPTED_PANEL, ScriptedNode } from "./testing/scripted-node";

// The push preflight through startPush against the real database: a refused push creates no deployment, stores
// no version and opens no connection. The nodes point at a local TCP listener that counts connections (and
// drops them at once), so "no connection attempt" is observed rather than assumed; a push that is not refused
// connects to it, which shows the listener would have seen one.

vi.stubEnv("RAMPART_SECRET_KEY", `batch-integration-${randomBytes(24).toString("hex")}`);

const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "USER", id: randomUUID(), label: `batch-it-${randomUUID()}@example.test`, ip: "192.0.2.7" } };
const FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const FAST = { deadlines: { connectMs: 2_000, handshakeMs: 2_000, commandMs: 2_000, uploadMs: 2_000 } };

let server: Server;
let listenPort = 0;
let connections = 0;
let original: { sshPorts: number[]; panelAddresses: string[]; management: Prisma.AddressEntryCreateManyInput[] };
const created: string[] = [];

async function addNode(overrides: Partial<Prisma.NodeCreateInput> = {}): Promise<{ id: string; name: string }> {
  const name = `preflight-${randomUUID().slice(0, 8)}`;
  const node = await getDb().node.create({
    data: {
      name,
      host: "127.0.0.1",
      port: listenPort,
      sshUser: "rampart",
      hostKeyFingerprint: FINGERPRINT,
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("batch-it").privateKey)),
      ...overrides,
    },
  });
  created.push(node.id);
  return { id: node.id, name };
}

async function addManagement(data: Partial<Prisma.AddressEntryCreateManyInput> = {}): Promise<string> {
  const row = await getDb().addressEntry.create({ data: { list: "MANAGEMENT", network: "203.0.113.9", family: 4, comment: "batch-it admins", ...data } });
  return row.id;
}

/** What a refused push must leave behind: nothing. */
async function expectNothingDone(nodeIds: string[], versionsBefore: number) {
  expect(await getDb().deployment.count({ where: { nodeId: { in: nodeIds } } })).toBe(0);
  expect(await getDb().rulesetVersion.count()).toBe(versionsBefore);
  expect(connections).toBe(0);
}

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  listenPort = (server.address() as { port: number }).port;

  const db = getDb();
  const platform = await db.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
  const management = await db.addressEntry.findMany({ where: { list: "MANAGEMENT" } });
  original = { sshPorts: platform.sshPorts, panelAddresses: platform.panelAddresses, management };
  // This file decides what management access exists; other files' entries come back afterwards.
  await db.addressEntry.deleteMany({ where: { list: "MANAGEMENT" } });
  // The listener's port is an SSH port of the policy; no configured panel address, so a push would probe first.
  await db.platformSettings.update({ where: { id: 1 }, data: { sshPorts: [22, listenPort], panelAddresses: [] } });
}, 60_000);

afterAll(async () => {
  const db = getDb();
  await db.deployment.deleteMany({ where: { nodeId: { in: created } } });
  await db.node.deleteMany({ where: { id: { in: created } } });
  await db.addressEntry.deleteMany({ where: { list: "MANAGEMENT" } });
  if (original) {
    await db.addressEntry.createMany({ data: original.management });
    await db.platformSettings.update({ where: { id: 1 }, data: { sshPorts: original.sshPorts, panelAddresses: original.panelAddresses } });
  }
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  await getDb().addressEntry.deleteMany({ where: { list: "MANAGEMENT" } });
  connections = 0;
});

describe("startPush preflight", () => {
  it("refuses default deny with no management network in force (none, only expired, only pending), before any connection", async () => {
    const node = await addNode();
    const versions = await getDb().rulesetVersion.count();
    const push = () => startPush(admin, { target: { kind: "nodes", names: [node.name] } }, FAST);

    let error = await expectAppError(push(), "CONFLICT", /^Refused: no management network\. With default deny, only the panel could reach SSH/);
    expect(error.message).toContain(`admin services on ${node.name};`);
    expect(error.message).toContain("Firewall → Management access");
    await expectNothingDone([node.id], versions);

    await addManagement({ expiresAt: new Date(Date.now() - 60_000) });
    error = await expectAppError(push(), "CONFLICT", /^Refused: no management network \(the 1 listed entry has expired\)/);
    await expectNothingDone([node.id], versions);

    await getDb().addressEntry.deleteMany({ where: { list: "MANAGEMENT" } });
    await addManagement({ pendingReason: "waits for approval" });
    await expectAppError(push(), "CONFLICT", /^Refused: no management network\. /);
    await expectNothingDone([node.id], versions);
  });

  it("refuses a node reached on an SSH port the policy does not open, naming node and port", async () => {
    await addManagement();
    const closedPort = listenPort === 65535 ? 65534 : listenPort + 1;
    const node = await addNode({ port: closedPort });
    const versions = await getDb().rulesetVersion.count();
    const error = await expectAppError(startPush(admin, { target: { kind: "nodes", names: [node.name] } }, FAST), "CONFLICT");
    expect(error.message).toBe(
      `Refused: node ${node.name} is reached on SSH port ${closedPort}, which the exposure policy does not open (it opens ${[22, listenPort].sort((a, b) => a - b).join(", ")}); the push would cut the panel off. Add ${closedPort} to the SSH ports (Firewall → GeoIP, Ports) or change the node's port.`,
    );
    await expectNothingDone([node.id], versions);
  });

  it("refuses a node whose stored exposure override does not parse (a 409 naming the node, not a 500), and never renders it", async () => {
    await addManagement();
    const broken = await addNode({ exposureOverride: { finalAction: "ACCEPT" } });
    const fine = await addNode();
    const versions = await getDb().rulesetVersion.count();
    const error = await expectAppError(startPush(admin, { target: { kind: "nodes", names: [broken.name, fine.name] } }, FAST), "CONFLICT");
    expect(error.status).toBe(409);
    expect(error.message).toMatch(new RegExp(`^Refused: the exposure override stored for node ${broken.name} is not valid \\(finalAction: `));
    await expectNothingDone([broken.id, fine.id], versions);
  });

  it("lets a push go ahead with a management network in force: it then probes and connects", async () => {
    await addManagement({ expiresAt: new Date(Date.now() + 3_600_000) });
    const node = await addNode();
    const { done } = await startPush(admin, { target: { kind: "nodes", names: [node.name] } }, FAST);
    const summary = await done;
    expect(connections).toBeGreaterThan(0);
    expect(summary.states[node.name]).toMatch(/UNREACHABLE|FAILED/);
    expect(await getDb().deployment.count({ where: { nodeId: node.id } })).toBe(1);
  });

  it("lets a node whose override ends in RETURN go ahead without a management network", async () => {
    const node = await addNode({ exposureOverride: { finalAction: "RETURN" } });
    const { done } = await startPush(admin, { target: { kind: "nodes", names: [node.name] } }, FAST);
    await done;
    expect(await getDb().deployment.count({ where: { nodeId: node.id } })).toBe(1);
  });

  it("does not preflight a rollback to a stored version", async () => {
    const node = await addNode();
    const { rendered } = await renderCurrentRuleset();
    const { hash, files, manifest } = rendered;
    await getDb().rulesetVersion.upsert({
      where: { hash },
      create: { hash, author: "batch-it", policy: manifest.policy as never, manifest: manifest as never, artefacts: new Uint8Array(encodeArtefacts(files)) },
      update: {},
    });
    const { done } = await startPush(admin, { target: { kind: "nodes", names: [node.name] }, version: hash }, FAST);
    await done;
    expect(connections).toBeGreaterThan(0);
    expect(await getDb().deployment.findMany({ where: { nodeId: node.id }, select: { ruleset: { select: { hash: true } } } })).toEqual([{ ruleset: { hash } }]);
  });
});

describe("the batch over scripted nodes", () => {
  // One scripted node per host; the transport never opens a socket.
  const scripted = new Map<string, ScriptedNode>();
  const transport: NodeTransport = {
    open: (target, deadlines) => {
      const node = scripted.get(target.host);
      if (node === undefined) throw new Error(`no scripted node at ${target.host}`);
      return node.transport.open(target, deadlines);
    },
  };
  async function scriptedNodes(count: number, tags: string[][] = []) {
    const out: Array<{ id: string; name: string; node: ScriptedNode }> = [];
    for (let i = 0; i < count; i++) {
      const host = `192.0.2.${100 + scripted.size}`;
      const node = new ScriptedNode();
      scripted.set(host, node);
      const row = await addNode({ host, tags: tags[i] ?? [] });
      out.push({ ...row, node });
    }
    return out;
  }
  const states = async (batchId: string) =>
    Object.fromEntries((await getDb().deployment.findMany({ where: { batchId }, include: { node: { select: { name: true } } } })).map((d) => [d.node.name, d.state]));

  it("confirms every node, discovering the panel's address through the same transport", async () => {
    await addManagement();
    const nodes = await scriptedNodes(3);
    const { batchId, done } = await startPush(admin, { target: { kind: "nodes", names: nodes.map((n) => n.name) }, timerSeconds: 10 }, { transport });
    const summary = await done;
    expect(summary.isAllConfirmed).toBe(true);
    for (const n of nodes) {
      expect(n.node.pending).toBeNull();
      expect(n.node.version).toBe(n.node.staged?.version);
    }
    expect(Object.values(await states(batchId))).toEqual(["CONFIRMED", "CONFIRMED", "CONFIRMED"]);
    const stored = await getDb().node.findMany({ where: { id: { in: nodes.map((n) => n.id) } }, select: { panelAddress: true } });
    expect(stored.map((r) => r.panelAddress)).toEqual([SCRIPTED_PANEL, SCRIPTED_PANEL, SCRIPTED_PANEL]);
    expect(connections).toBe(0);
  });

  it("stores one version when two pushes render it at the same moment, and both go ahead", async () => {
    await addManagement();
    const nodes = await scriptedNodes(2);
    // Known panel addresses, so both render the same input at once without probing first.
    await getDb().node.updateMany({ where: { id: { in: nodes.map((n) => n.id) } }, data: { panelAddress: SCRIPTED_PANEL } });
    await getDb().addressEntry.create({ data: { list: "BLOCKLIST", network: `198.18.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`, family: 4, comment: "a new version" } });
    const pushes = await Promise.all(nodes.map((n) => startPush(admin, { target: { kind: "nodes", names: [n.name] }, timerSeconds: 10 }, { transport })));
    const summaries = await Promise.all(pushes.map((p) => p.done));
    expect(summaries.map((s) => s.isAllConfirmed)).toEqual([true, true]);
    const versions = await getDb().deployment.findMany({ where: { batchId: { in: pushes.map((p) => p.batchId) } }, select: { rulesetId: true } });
    expect(new Set(versions.map((v) => v.rulesetId)).size).toBe(1);
  });

  it("waits for another push's lease on a node, goes ahead once it is released, and gives up on one held too long", async () => {
    await addManagement();
    const [waiting, stuck] = await scriptedNodes(2);
    await getDb().node.updateMany({ where: { id: { in: [waiting!.id, stuck!.id] } }, data: { panelAddress: SCRIPTED_PANEL, pushLeaseHolder: randomUUID(), pushLeaseUntil: new Date(Date.now() + 60_000) } });
    const first = await startPush(admin, { target: { kind: "nodes", names: [waiting!.name] }, timerSeconds: 10 }, { transport, leaseWaitMs: 20_000 });
    // The other push finishes: its lease goes, and the waiting push takes it.
    // (A Prisma query runs only once awaited or then-ed.)
    setTimeout(() => void getDb().node.update({ where: { id: waiting!.id }, data: { pushLeaseHolder: null, pushLeaseUntil: null } }).then(() => undefined), 1_500);
    await first.done;
    const firstRow = await getDb().deployment.findFirstOrThrow({ where: { batchId: first.batchId } });
    expect([firstRow.state, firstRow.message]).toEqual(["CONFIRMED", expect.any(String)]);

    const second = await startPush(admin, { target: { kind: "nodes", names: [stuck!.name] }, timerSeconds: 10 }, { transport, leaseWaitMs: 1_500 });
    expect((await second.done).states[stuck!.name]).toBe("FAILED");
    const row = await getDb().deployment.findFirstOrThrow({ where: { batchId: second.batchId } });
    expect([row.state, row.message]).toEqual(["FAILED", "Another push held the node for too long; nothing was changed."]);
    expect(stuck!.node.calls).toEqual([]);
  });

  it("stops at a failed canary: the other nodes are SKIPPED and never staged", async () => {
    await addManagement();
    const nodes = await scriptedNodes(3, [[], ["canary"], []]);
    const canary = nodes[1]!;
    canary.node.fault("validate", { kind: "answer", result: { code: 1, stdout: "", stderr: "error: iptables-restore rejected iptables.rules: bad\n" } });
    const { batchId, done } = await startPush(admin, { target: { kind: "nodes", names: nodes.map((n) => n.name) }, timerSeconds: 10 }, { transport });
    await done;
    expect(await states(batchId)).toEqual({ [nodes[0]!.name]: "SKIPPED", [canary.name]: "FAILED", [nodes[2]!.name]: "SKIPPED" });
    for (const other of [nodes[0]!, nodes[2]!]) {
      expect(other.node.calls).not.toContain("stageReset");
      expect(other.node.version).toBe(SCRIPTED_OLD_VERSION);
    }
  });

  it("starts no further node once the failure threshold is reached, and records each node as it ends", async () => {
    await addManagement();
    const nodes = await scriptedNodes(3);
    // The first node (by name) cannot be reached; with concurrency 1 and threshold 1 nothing else starts.
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    nodes[0]!.node.opens = ["refused", "refused"];
    const { batchId, done } = await startPush(
      admin,
      { target: { kind: "nodes", names: nodes.map((n) => n.name) }, canary: false, concurrency: 1, failureThreshold: 1, timerSeconds: 10 },
      { transport },
    );
    await done;
    const byName = await states(batchId);
    expect(byName[nodes[0]!.name]).toBe("UNREACHABLE");
    expect([byName[nodes[1]!.name], byName[nodes[2]!.name]]).toEqual(["SKIPPED", "SKIPPED"]);
    expect(nodes[1]!.node.calls.filter((c) => c !== "open" && c !== "probe")).toEqual([]);
  });
});
