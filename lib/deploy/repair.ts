import { toFieldErrors } from "@/lib/action-result";
import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { writeAudit } from "@/lib/db/queries/audit";
import { getNode } from "@/lib/db/queries/nodes";
import { nodeHealth } from "@/lib/db/queries/snapshots";
import { AppError } from "@/lib/errors";
import { shortHash } from "@/lib/observe/display";
import { repairRequestSchema, type RepairRequestInput } from "@/lib/validation/push";

import { startPush, type BatchSummary, type RunnerOptions } from "./batch";

/**
 * Repair of a drifted node: a push of the stored version the node last confirmed, so Rampart's chains and sets
 * are replaced by exactly what was confirmed (not by the current policy, which may have moved on). It is an
 * ordinary push of a stored version (startPush): the same re-check of the artefacts against their hash,
 * on-node validation, rollback timer and confirmation, node lease and audit record.
 */

const HASH = /^[0-9a-f]{64}$/;

export interface RepairPlan {
  nodeId: string;
  nodeName: string;
  isEnabled: boolean;
  /**
   * The version a repair re-applies: the node's latest CONFIRMED deployment, else the version the collector
   * last saw it run if that is a stored version (a deployment history that was pruned); null: neither.
   */
  version: { hash: string; source: "deployment" | "snapshot" } | null;
  /** From the collector's last reachable poll; null: nothing to compare (never polled, no confirmed digest). */
  isDrifted: boolean | null;
  driftMessage: string | null;
}

/** What a repair of the node would push and whether it is reported drifted; reads only. `node`: id or name. */
export async function planNodeRepair(caller: Caller, node: string): Promise<RepairPlan> {
  assertPermission(caller, "nodes:read");
  const detail = await getNode(caller, node);
  const health = await nodeHealth(caller, detail.id);
  let version: RepairPlan["version"] = detail.running ? { hash: detail.running.hash, source: "deployment" } : null;
  if (version === null && health.runningVersion !== null && HASH.test(health.runningVersion)) {
    const stored = await getDb().rulesetVersion.findUnique({ where: { hash: health.runningVersion }, select: { hash: true } });
    if (stored) version = { hash: stored.hash, source: "snapshot" };
  }
  return { nodeId: detail.id, nodeName: detail.name, isEnabled: detail.enabled, version, isDrifted: health.isDrifted, driftMessage: health.driftMessage };
}

/** Why a repair is refused, or null when it may go ahead. Pure. */
export function findRepairRefusal(plan: RepairPlan, isForced: boolean): string | null {
  const name = plan.nodeName;
  if (!plan.isEnabled) return `Node ${name} is disabled: enable it in its settings before repairing it.`;
  if (plan.version === null) return `Node ${name} has no confirmed version to re-apply: push the current policy instead.`;
  if (isForced) return null;
  if (plan.isDrifted === false) return `Node ${name} runs its confirmed version; nothing to repair.`;
  if (plan.isDrifted === null) {
    const why = plan.driftMessage ?? "The collector has not reported on it yet.";
    return `Rampart cannot tell whether node ${name} drifted. ${why} Repair it with force to re-apply version ${shortHash(plan.version.hash)} anyway.`;
  }
  return null;
}

/**
 * Starts the repair of one node (`node`: id or name) and returns at once with the batch id; `done` settles
 * when the node reached a final state. Needs "deploy", as every push does.
 */
export async function repairNode(
  caller: Caller,
  node: string,
  input: RepairRequestInput | unknown = {},
  runner: RunnerOptions = {},
): Promise<{ batchId: string; version: string; done: Promise<BatchSummary> }> {
  assertPermission(caller, "deploy");
  const parsed = repairRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new AppError("VALIDATION", parsed.error.issues[0]?.message ?? "Invalid repair request.", toFieldErrors(parsed.error));
  }
  const { force, timerSeconds } = parsed.data;
  const plan = await planNodeRepair(caller, node);
  const refusal = findRepairRefusal(plan, force);
  if (refusal !== null) throw new AppError("CONFLICT", refusal);
  const version = plan.version!;

  const { batchId, done } = await startPush(caller, { target: { kind: "nodes", names: [plan.nodeName] }, version: version.hash, timerSeconds }, runner);
  // startPush audits the push itself ("push.rollback": a stored version); this record says why it was pushed.
  await writeAudit(getDb(), caller.actor, {
    action: "node.repair",
    objectType: "node",
    objectId: plan.nodeId,
    after: { node: plan.nodeName, batchId, version: version.hash, versionSource: version.source, isDrifted: plan.isDrifted, driftMessage: plan.driftMessage, force },
  });
  return { batchId, version: version.hash, done };
}
