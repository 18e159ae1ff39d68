import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";

import { sealNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import { hashArtefacts } from "@/lib/rules/hash";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { generateClientKey } from "@/lib/ssh/keys";
import type { NodeTransport } from "@/lib/ssh/transport";

import { reconcileInFlightDeployments } from "./reconcile";
import { SCRIPTED_OLD_VERSION, ScriptedNode } from "./testing/scripted-node";

// The reconciler against the real database over scripted nodes: deployments left in flight by a process that
// is gone are settled from each node's status — confirmed while the node still has them pending, the node's own
// rollback, or what the node runs (its staging reset so a validation's temporary sets go) — and one whose node
// cannot be asked stays open, or is closed UNREACHABLE once it is too old.

vi.stubEnv("RAMPART_SECRET_KEY", `reconcile-it-${randomBytes(24).toString("hex")}`);
const created: string[] = [];
const scripted = new Map<string, ScriptedNode>();
const transport: NodeTransport = {
  open: (target, deadlines) => {
    const node = scripted.get(target.host);
    if (node === undefined) throw new Error(`no scripted node at ${target.host}`);
    return node.transport.open(target, deadlines);
  },
};

async function inFlight(state: DeploymentState, createdAt = new Date(Date.now() - 10 * 60_000)) {
  const host = `192.0.2.${150 + scripted.size}`;
  const node = new ScriptedNode();
  scripted.set(host, node);
  const row = await getDb().node.create({
    data: {
      name: `reconcile-${randomUUID().slice(0, 8)}`,
      host,
      port: 22,
      sshUser: "root",
      hostKeyFingerprint: "SHA256:pinned",
      encryptedPrivateKey: new Uint8Array(sealNodeKey(generateClientKey("reconcile-it").privateKey)),
    },
  });
  created.push(row.id);
  const rest = { "iptables.rules": `# reconcile-it ${randomUUID()}\n` };
  const hash = hashArtefacts(rest);
  const version = await getDb().rulesetVersion.create({
    data: { hash, author: "reconcile-it", policy: {}, manifest: { version: hash }, artefacts: new Uint8Array(encodeArtefacts({ ...rest, [ARTEFACT_PATHS.manifest]: JSON.stringify({ version: hash }) })) },
  });
  const deployment = await getDb().deployment.create({
    data: { batchId: randomUUID(), nodeId: row.id, rulesetId: version.id, state, progress: 80, requestedBy: "reconcile-it", createdAt, updatedAt: createdAt },
  });
  return { node, nodeId: row.id, deploymentId: deployment.id, hash };
}
const recordOf = (id: string) => getDb().deployment.findUniqueOrThrow({ where: { id }, select: { state: true, message: true, finishedAt: true } });

afterAll(async () => {
  await getDb().deployment.deleteMany({ where: { nodeId: { in: created } } });
  await getDb().node.deleteMany({ where: { id: { in: created } } });
});

describe("reconcileInFlightDeployments over scripted nodes", () => {
  it("settles each stale deployment from its node's status, and releases the node's lease", async () => {
    const pending = await inFlight("APPLIED");
    pending.node.pending = { deployment: pending.deploymentId, deadline: Math.floor(Date.now() / 1000) + 60, version: pending.hash };
    const rolledBack = await inFlight("APPLIED");
    rolledBack.node.lastRollback = { at: Math.floor(Date.now() / 1000) - 5, deployment: rolledBack.deploymentId, reason: "not confirmed within 60 s" };
    const beforeApply = await inFlight("VALIDATING");
    const confirmedElsewhere = await inFlight("APPLIED");
    confirmedElsewhere.node.version = confirmedElsewhere.hash;

    expect(await reconcileInFlightDeployments({ transport })).toBeGreaterThanOrEqual(4);

    expect(await recordOf(pending.deploymentId)).toMatchObject({ state: "CONFIRMED", message: expect.stringMatching(/^Confirmed after an interruption/) });
    expect(pending.node.version).toBe(pending.hash);
    expect(await recordOf(rolledBack.deploymentId)).toMatchObject({ state: "ROLLED_BACK", message: expect.stringMatching(/not confirmed within 60 s/) });
    expect(await recordOf(beforeApply.deploymentId)).toMatchObject({ state: "FAILED", message: expect.stringMatching(/^Interrupted before the apply; nothing was changed/) });
    expect(beforeApply.node.calls).toContain("stageReset");
    expect(await recordOf(confirmedElsewhere.deploymentId)).toMatchObject({ state: "CONFIRMED" });
    for (const d of [pending, rolledBack, beforeApply, confirmedElsewhere]) {
      expect((await recordOf(d.deploymentId)).finishedAt).not.toBeNull();
      expect((await getDb().node.findUniqueOrThrow({ where: { id: d.nodeId } })).pushLeaseHolder).toBeNull();
    }
    expect(rolledBack.node.version).toBe(SCRIPTED_OLD_VERSION);
  });

  it("leaves a deployment whose node cannot be asked open, then closes it UNREACHABLE once it is an hour old", async () => {
    const young = await inFlight("APPLIED");
    young.node.downUntil = Number.POSITIVE_INFINITY;
    const old = await inFlight("APPLIED", new Date(Date.now() - 2 * 3_600_000));
    old.node.downUntil = Number.POSITIVE_INFINITY;
    await reconcileInFlightDeployments({ transport });
    expect(await recordOf(young.deploymentId)).toMatchObject({ state: "APPLIED", message: expect.stringMatching(/^Interrupted; asking the node again at the next round/), finishedAt: null });
    expect(await recordOf(old.deploymentId)).toMatchObject({ state: "UNREACHABLE", message: expect.stringMatching(/has not answered since/) });
  });

  it("never touches a deployment whose node lease another process holds", async () => {
    const held = await inFlight("APPLIED");
    await getDb().node.update({ where: { id: held.nodeId }, data: { pushLeaseHolder: randomUUID(), pushLeaseUntil: new Date(Date.now() + 60_000) } });
    await reconcileInFlightDeployments({ transport });
    expect((await recordOf(held.deploymentId)).state).toBe("APPLIED");
    expect(held.node.calls).toEqual([]);
  });
});
