import { randomUUID } from "node:crypto";

import { toFieldErrors } from "@/lib/action-result";
import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR, writeAudit } from "@/lib/db/queries/audit";
import {
  createBatch,
  FAILED_STATES,
  FINAL_STATES,
  findBatchDeployments,
  findRulesetVersionByHash,
  LEASE_MS,
  releaseNodeLease,
  renewNodeLease,
  storeRulesetVersion,
  takeNodeLease,
  updateDeployment,
} from "@/lib/db/queries/deployments";
import { AppError } from "@/lib/errors";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import { hashArtefacts } from "@/lib/rules/hash";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { renderParsedRuleset, validateNodeInputForRender, validateSnapshotForRender } from "@/lib/rules/render";
import type { Manifest } from "@/lib/rules/render-manifest";
import { recordPanelAddress } from "@/lib/db/queries/nodes";
import { loadConfiguredPanelAddresses, loadRenderInputs, RENDER_TARGET_SELECT, renderTargetOf } from "@/lib/rulesets/current";
import { decodeArtefacts } from "@/lib/rulesets/versions";
import type { SshDeadlines } from "@/lib/ssh/session";
import { sshTransport, type NodeChannel, type NodeTransport } from "@/lib/ssh/transport";
import { pushRequestSchema, type PushRequestInput } from "@/lib/validation/push";

import { parseProbe } from "./agent-output";
import { loadAgentScript } from "./agent-script";
import { pushVersionToNode, type NodePushOptions, type PushOutcome, type PushUpdate } from "./node-push";
import { findPushRefusals } from "./push-preflight";
import { loadNodeTarget, recordHostKeyMismatch } from "./target";

/**
 * A push across nodes: every targeted node gets its own rendered version (versions are immutable and shared
 * by hash), a canary goes first and alone, the rest run with bounded concurrency, and once the failure
 * threshold is reached no further node is started (those are SKIPPED: they keep their version). A node lease
 * in the database keeps two pushes to one node from interleaving, across processes.
 */

const LEASE_WAIT_MS = 15 * 60_000;

export interface BatchSummary {
  batchId: string;
  states: Record<string, DeploymentState>;
  isAllConfirmed: boolean;
}

/** Options for tests and the bench (never from a client). */
export interface RunnerOptions {
  deadlines?: Partial<SshDeadlines>;
  /** How nodes are reached: SSH unless a test scripts the nodes. */
  transport?: NodeTransport;
  /** How long a node's push waits for another push's lease before it gives up (default 15 minutes). */
  leaseWaitMs?: number;
  onStage?: (nodeName: string, stage: Parameters<NonNullable<NodePushOptions["onStage"]>>[0]) => void | Promise<void>;
}

const running = new Map<string, Promise<BatchSummary>>();

interface PlannedNode {
  deploymentId: string;
  nodeId: string;
  nodeName: string;
  canary: boolean;
  version: { id: string; hash: string };
}

interface VersionFiles {
  hash: string;
  files: Record<string, string>;
  manifest: Manifest;
}

async function resolveNodes(request: ReturnType<typeof pushRequestSchema.parse>) {
  const db = getDb();
  const target = request.target;
  const nodes = await db.node.findMany({
    where: {
      enabled: true,
      ...(target.kind === "nodes" ? { name: { in: target.names } } : {}),
      ...(target.kind === "tag" ? { tags: { has: target.tag } } : {}),
    },
    orderBy: { name: "asc" },
    select: { id: true, port: true, ...RENDER_TARGET_SELECT },
  });
  if (target.kind === "nodes") {
    const found = new Set(nodes.map((n) => n.name));
    const missing = target.names.filter((name) => !found.has(name));
    if (missing.length > 0) throw new AppError("VALIDATION", `No enabled node named ${missing.join(", ")}.`, { "target.names": [`Unknown or disabled: ${missing.join(", ")}`] });
  }
  if (nodes.length === 0) {
    throw new AppError("VALIDATION", target.kind === "tag" ? `No enabled node has the tag "${target.tag}".` : "There are no enabled nodes to push to.");
  }
  // The canary: a node tagged "canary" if there is one, else the first by name.
  const canaryIndex = Math.max(0, nodes.findIndex((n) => n.tags.includes("canary")));
  return [nodes[canaryIndex]!, ...nodes.filter((_, i) => i !== canaryIndex)];
}

/**
 * Nodes whose panel address is not known yet (never tested, nothing configured) are probed before the render,
 * in parallel: the node reports the address it sees the panel at, and the render accepts it. A node that does
 * not answer keeps none, and its push is refused by the panel-address check rather than locking the panel out.
 */
async function discoverPanelAddresses(nodes: { id: string; panelAddress: string | null }[], runner: RunnerOptions): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      let session: NodeChannel | undefined;
      try {
        const { target } = await loadNodeTarget(node.id);
        session = await (runner.transport ?? sshTransport).open(target, { connectMs: 5_000, handshakeMs: 10_000, ...runner.deadlines });
        const probe = parseProbe((await session.run("probe", 20_000)).stdout);
        if (probe.clientAddress !== null) {
          await recordPanelAddress(node.id, probe.clientAddress);
          node.panelAddress = probe.clientAddress;
        }
      } catch {
        // Unreachable or not yet trusted: the push itself reports why.
      } finally {
        session?.close();
      }
    }),
  );
}

/** The stored version for a hash, with its artefacts re-checked against the hash before any node sees them. */
async function loadStoredVersion(hash: string): Promise<{ id: string } & VersionFiles> {
  const row = await findRulesetVersionByHash(hash);
  if (!row) throw new AppError("NOT_FOUND", `No ruleset version ${hash.slice(0, 12)}.`);
  const files = decodeArtefacts(row.artefacts);
  const { [ARTEFACT_PATHS.manifest]: manifestText, ...rest } = files;
  if (manifestText === undefined || hashArtefacts(rest) !== row.hash) {
    throw new AppError("CONFLICT", `Stored version ${hash.slice(0, 12)} does not match its hash; refusing to push it.`);
  }
  return { id: row.id, hash: row.hash, files, manifest: JSON.parse(manifestText) as Manifest };
}

function storeVersion(caller: Caller, rendered: { hash: string; files: Record<string, string>; manifest: Manifest }): Promise<string> {
  return storeRulesetVersion(caller.actor.label, rendered);
}

/**
 * Plans and starts a push; returns at once with the batch id (the work goes on in this process). `done`
 * settles when every targeted node reached a final state.
 */
export async function startPush(caller: Caller, input: PushRequestInput | unknown, runner: RunnerOptions = {}): Promise<{ batchId: string; done: Promise<BatchSummary> }> {
  assertPermission(caller, "deploy");
  const parsed = pushRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION", parsed.error.issues[0]?.message ?? "Invalid push request.", toFieldErrors(parsed.error));
  }
  const request = parsed.data;
  const nodes = await resolveNodes(request);
  const batchId = randomUUID();

  // Versions: the requested stored one (a rollback), or the current policy rendered once per distinct node input.
  const versions = new Map<string, { id: string } & VersionFiles>();
  const planned: PlannedNode[] = [];
  if (request.version !== undefined) {
    const stored = await loadStoredVersion(request.version);
    versions.set(stored.hash, stored);
    for (const [i, node] of nodes.entries()) planned.push({ deploymentId: randomUUID(), nodeId: node.id, nodeName: node.name, canary: request.canary && i === 0 && nodes.length > 1, version: stored });
  } else {
    const inputs = await loadRenderInputs();
    const policy = validateSnapshotForRender(inputs.snapshot);
    const now = new Date();
    // Before any node is probed or anything stored: a policy that leaves a node to the panel alone, does not
    // open the port the panel connects on, or a node whose override no longer parses refuses the whole push.
    const refusals = findPushRefusals(
      {
        exposure: policy.snapshot.exposure,
        ports: { ...policy.snapshot.platform, sipPorts: policy.snapshot.rateLimit.sipPorts, rtpPortMin: policy.snapshot.rateLimit.rtpPortMin, rtpPortMax: policy.snapshot.rateLimit.rtpPortMax },
        management: policy.snapshot.management,
      },
      nodes,
      now,
    );
    if (refusals.length > 0) throw new AppError("CONFLICT", refusals.join(" "));
    const configured = await loadConfiguredPanelAddresses();
    await discoverPanelAddresses(nodes.filter((n) => n.panelAddress === null && configured.length === 0), runner);
    const byInput = new Map<string, { id: string; hash: string }>();
    for (const [i, node] of nodes.entries()) {
      const renderInput = renderTargetOf(node, configured);
      const key = JSON.stringify([renderInput.managementAddresses, renderInput.tags, renderInput.panelAddresses, renderInput.exposureOverride]);
      let version = byInput.get(key);
      if (version === undefined) {
        const rendered = renderParsedRuleset(policy, validateNodeInputForRender(renderInput), inputs.geo, { now });
        const id = await storeVersion(caller, rendered);
        version = { id, hash: rendered.hash };
        byInput.set(key, version);
        versions.set(rendered.hash, { id, hash: rendered.hash, files: rendered.files, manifest: rendered.manifest });
      }
      planned.push({ deploymentId: randomUUID(), nodeId: node.id, nodeName: node.name, canary: request.canary && i === 0 && nodes.length > 1, version });
    }
  }

  await createBatch(
    batchId,
    caller.actor,
    planned.map((p) => ({ id: p.deploymentId, nodeId: p.nodeId, rulesetId: p.version.id, canary: p.canary })),
    {
      action: request.version === undefined ? "push.start" : "push.rollback",
      after: {
        target: request.target,
        nodes: planned.map((p) => ({ node: p.nodeName, version: p.version.hash })),
        canary: request.canary,
        concurrency: request.concurrency,
        failureThreshold: request.failureThreshold,
        timerSeconds: request.timerSeconds,
      },
    },
  );

  const done = runBatch(batchId, planned, versions, request, runner).finally(() => running.delete(batchId));
  running.set(batchId, done);
  return { batchId, done };
}

function writeUpdate(deploymentId: string, update: Omit<Partial<PushUpdate>, "state"> & { state?: DeploymentState }, isFinal: boolean): Promise<void> {
  return updateDeployment(deploymentId, update, isFinal);
}

/** Takes the node's push lease for this deployment, waiting while another push holds it. */
async function acquireLease(nodeId: string, deploymentId: string, onWait: () => Promise<void>, waitMs = LEASE_WAIT_MS): Promise<boolean> {
  const giveUp = Date.now() + waitMs;
  let hasWaited = false;
  while (Date.now() < giveUp) {
    if (await takeNodeLease(nodeId, deploymentId)) return true;
    if (!hasWaited) {
      hasWaited = true;
      await onWait();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

function releaseLease(nodeId: string, deploymentId: string): Promise<void> {
  return releaseNodeLease(nodeId, deploymentId);
}

async function pushOne(plan: PlannedNode, version: VersionFiles, request: ReturnType<typeof pushRequestSchema.parse>, runner: RunnerOptions): Promise<DeploymentState> {
  let chain: Promise<void> = Promise.resolve();
  const report = (update: PushUpdate, isFinal = false) => {
    chain = chain.then(() => writeUpdate(plan.deploymentId, update, isFinal)).catch(() => undefined);
    return chain;
  };
  const isLeased = await acquireLease(
    plan.nodeId,
    plan.deploymentId,
    () => writeUpdate(plan.deploymentId, { message: "Waiting for another push to this node to finish" }, false),
    runner.leaseWaitMs,
  );
  if (!isLeased) {
    await writeUpdate(plan.deploymentId, { state: "FAILED", progress: 100, message: "Another push held the node for too long; nothing was changed." }, true);
    return "FAILED";
  }
  const renew = setInterval(() => {
    void renewNodeLease(plan.nodeId, plan.deploymentId).catch(() => undefined);
  }, LEASE_MS / 4);
  try {
    await updateDeployment(plan.deploymentId, { startedAt: new Date(), state: "UPLOADING", message: "Starting" }, false);
    let loaded;
    try {
      loaded = await loadNodeTarget(plan.nodeId);
    } catch (error) {
      await writeUpdate(plan.deploymentId, { state: "FAILED", progress: 100, message: error instanceof Error ? error.message : String(error) }, true);
      return "FAILED";
    }
    let outcome: PushOutcome;
    try {
      outcome = await pushVersionToNode({
        target: loaded.target,
        version,
        deploymentId: plan.deploymentId,
        timerSeconds: request.timerSeconds,
        agent: loadAgentScript(),
        deadlines: runner.deadlines,
        transport: runner.transport,
        onStage: runner.onStage ? (stage) => runner.onStage!(plan.nodeName, stage) : undefined,
        report: (update) => report(update, FINAL_STATES.includes(update.state) && update.progress === 100),
        onClientAddress: (address) => recordPanelAddress(plan.nodeId, address),
      });
    } catch (error) {
      outcome = { state: "FAILED", progress: 100, message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, timings: {} };
      await report(outcome, true);
    }
    await chain;
    if (outcome.hostKeyMismatch !== undefined) await recordHostKeyMismatch(plan.nodeId, outcome.hostKeyMismatch);
    return outcome.state;
  } finally {
    clearInterval(renew);
    await releaseLease(plan.nodeId, plan.deploymentId);
  }
}

async function runBatch(
  batchId: string,
  planned: PlannedNode[],
  versions: Map<string, VersionFiles>,
  request: ReturnType<typeof pushRequestSchema.parse>,
  runner: RunnerOptions,
): Promise<BatchSummary> {
  const states: Record<string, DeploymentState> = {};
  let failures = 0;
  let stopReason: string | null = null;
  // "Stop at N failures": 0 and 1 both mean the first failure stops the batch.
  const threshold = Math.max(1, request.failureThreshold);
  const runOne = async (plan: PlannedNode) => {
    if (stopReason !== null) {
      states[plan.nodeName] = "SKIPPED";
      await writeUpdate(plan.deploymentId, { state: "SKIPPED", progress: 100, message: `Not attempted: ${stopReason}. The node keeps its version.` }, true);
      return;
    }
    const state = await pushOne(plan, versions.get(plan.version.hash)!, request, runner);
    states[plan.nodeName] = state;
    // Not final (a node whose state could not be verified, e.g. its host key changed after the apply) is a failure too.
    if (FAILED_STATES.includes(state) || !FINAL_STATES.includes(state)) {
      failures += 1;
      if (plan.canary) stopReason ??= `the canary node ${plan.nodeName} ended ${state.toLowerCase().replace("_", " ")}`;
      else if (failures >= threshold) stopReason ??= `${failures} node(s) failed (threshold ${threshold})`;
    }
  };

  const queue = [...planned];
  const first = queue[0];
  if (first?.canary) {
    queue.shift();
    await runOne(first);
  }
  const workers = Array.from({ length: Math.min(request.concurrency, queue.length) }, async () => {
    for (let plan = queue.shift(); plan !== undefined; plan = queue.shift()) await runOne(plan);
  });
  await Promise.all(workers);

  const isAllConfirmed = Object.values(states).every((s) => s === "CONFIRMED");
  await getDb().$transaction(async (tx) => {
    await writeAudit(tx, SYSTEM_ACTOR, { action: "push.finish", objectType: "push", objectId: batchId, after: { states, stopped: stopReason } });
  });
  return { batchId, states, isAllConfirmed };
}

export interface PushBatchView {
  batchId: string;
  createdAt: Date;
  requestedBy: string;
  finished: boolean;
  deployments: Array<{
    id: string;
    nodeId: string;
    nodeName: string;
    state: DeploymentState;
    progress: number;
    message: string;
    canary: boolean;
    rulesetHash: string;
    rollbackAt: Date | null;
    startedAt: Date | null;
    finishedAt: Date | null;
  }>;
}

export async function getPushBatch(caller: Caller, batchId: string): Promise<PushBatchView> {
  assertPermission(caller, "nodes:read");
  const rows = await findBatchDeployments(batchId);
  if (rows.length === 0) throw new AppError("NOT_FOUND", "No such push.");
  return {
    batchId,
    createdAt: rows[0]!.createdAt,
    requestedBy: rows[0]!.requestedBy,
    finished: rows.every((r) => FINAL_STATES.includes(r.state)),
    deployments: rows.map((r) => ({
      id: r.id,
      nodeId: r.nodeId,
      nodeName: r.node.name,
      state: r.state,
      progress: r.progress,
      message: r.message,
      canary: r.canary,
      rulesetHash: r.ruleset.hash,
      rollbackAt: r.rollbackAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    })),
  };
}

/** Whether this process runs the batch (the reconciler never touches a push that is alive here). */
export function isBatchRunningHere(batchId: string): boolean {
  return running.has(batchId);
}
