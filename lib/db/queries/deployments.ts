/**
 * Deployments and ruleset versions: the one home of their rows (the batch runner, the reconciler and the
 * views call these; none of them writes the tables itself), the one list of push states, and the node's push
 * lease. No permission checks here: callers check theirs (lib/deploy), as the data they pass is already theirs.
 */
import { getDb } from "@/lib/db/client";
import { writeAudit, type Actor, type AuditEntry } from "@/lib/db/queries/audit";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import type { Manifest } from "@/lib/rules/render-manifest";
import { encodeArtefacts } from "@/lib/rulesets/versions";

/** Every push state (the database enum); the push of one node reports all but PENDING and SKIPPED. */
export type { DeploymentState };
export type PushState = Exclude<DeploymentState, "PENDING" | "SKIPPED">;

/** States a deployment never leaves. */
export const FINAL_STATES: readonly DeploymentState[] = ["CONFIRMED", "ROLLED_BACK", "FAILED", "UNREACHABLE", "SKIPPED"];
/** Final states that count against a batch's failure threshold. */
export const FAILED_STATES: readonly DeploymentState[] = ["ROLLED_BACK", "FAILED", "UNREACHABLE"];

export function isFinalState(state: DeploymentState): boolean {
  return FINAL_STATES.includes(state);
}

/** How long a node lease lasts without renewal; an in-flight deployment untouched this long is stale. */
export const LEASE_MS = 120_000;

// ---------------------------------------------------------------------------------------------------------
// Ruleset versions
// ---------------------------------------------------------------------------------------------------------

/**
 * Stores a rendered version once by hash and returns its id. Two pushes rendering the same version at the
 * same moment both try to create it (Prisma's upsert is a read then a write, not atomic): INSERT ... ON
 * CONFLICT DO NOTHING lets one win and the other read the winner's row.
 */
export async function storeRulesetVersion(author: string, rendered: { hash: string; files: Record<string, string>; manifest: Manifest }): Promise<string> {
  const db = getDb();
  await db.rulesetVersion.createMany({
    data: [
      {
        hash: rendered.hash,
        author,
        policy: rendered.manifest.policy as never,
        manifest: rendered.manifest as never,
        artefacts: new Uint8Array(encodeArtefacts(rendered.files)),
      },
    ],
    skipDuplicates: true,
  });
  const row = await db.rulesetVersion.findUniqueOrThrow({ where: { hash: rendered.hash }, select: { id: true } });
  return row.id;
}

/** A stored version's row by full hash, or null. */
export function findRulesetVersionByHash(hash: string) {
  return getDb().rulesetVersion.findUnique({ where: { hash } });
}

// ---------------------------------------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------------------------------------

export interface NewDeployment {
  id: string;
  nodeId: string;
  rulesetId: string;
  canary: boolean;
}

/** Creates a batch's deployments (all "Waiting") and its audit row in one transaction. */
export async function createBatch(
  batchId: string,
  actor: Actor,
  deployments: readonly NewDeployment[],
  audit: Pick<AuditEntry, "action" | "after">,
): Promise<void> {
  await getDb().$transaction(async (tx) => {
    await tx.deployment.createMany({
      data: deployments.map((d) => ({ id: d.id, batchId, nodeId: d.nodeId, rulesetId: d.rulesetId, requestedBy: actor.label, canary: d.canary, message: "Waiting" })),
    });
    await writeAudit(tx, actor, { action: audit.action, objectType: "push", objectId: batchId, after: audit.after });
  });
}

export interface DeploymentUpdate {
  state?: DeploymentState;
  progress?: number;
  message?: string;
  rollbackAt?: Date;
  digest?: string;
  startedAt?: Date;
}

/** Records a deployment's progress; `isFinal` stamps its end. Messages are kept to 2,000 characters. */
export async function updateDeployment(deploymentId: string, update: DeploymentUpdate, isFinal: boolean, at: Date = new Date()): Promise<void> {
  await getDb().deployment.update({
    where: { id: deploymentId },
    data: {
      ...(update.state !== undefined ? { state: update.state } : {}),
      ...(update.progress !== undefined ? { progress: update.progress } : {}),
      ...(update.message !== undefined ? { message: update.message.slice(0, 2000) } : {}),
      ...(update.rollbackAt !== undefined ? { rollbackAt: update.rollbackAt } : {}),
      ...(update.digest !== undefined ? { digest: update.digest } : {}),
      ...(update.startedAt !== undefined ? { startedAt: update.startedAt } : {}),
      ...(isFinal ? { finishedAt: at } : {}),
    },
  });
}

/** A batch's deployments, canary first then by node name, with node names and version hashes. */
export function findBatchDeployments(batchId: string) {
  return getDb().deployment.findMany({
    where: { batchId },
    orderBy: [{ canary: "desc" }, { node: { name: "asc" } }],
    include: { node: { select: { name: true } }, ruleset: { select: { hash: true } } },
  });
}

/** Deployments not final and untouched since `cutoff`, oldest first (the reconciler's work). */
export function findStaleDeployments(cutoff: Date) {
  return getDb().deployment.findMany({
    where: { state: { notIn: [...FINAL_STATES] }, updatedAt: { lt: cutoff } },
    select: { id: true, nodeId: true, state: true, batchId: true, createdAt: true, ruleset: { select: { hash: true } } },
    orderBy: { createdAt: "asc" },
  });
}

// ---------------------------------------------------------------------------------------------------------
// The node's push lease: one push (or one reconciliation) per node at a time, across processes
// ---------------------------------------------------------------------------------------------------------

/** Takes the lease for `holder` when it is free, expired or already the holder's; true when taken. */
export async function takeNodeLease(nodeId: string, holder: string, at: Date = new Date()): Promise<boolean> {
  const taken = await getDb().node.updateMany({
    where: { id: nodeId, OR: [{ pushLeaseHolder: null }, { pushLeaseUntil: { lt: at } }, { pushLeaseHolder: holder }] },
    data: { pushLeaseHolder: holder, pushLeaseUntil: new Date(at.getTime() + LEASE_MS) },
  });
  return taken.count === 1;
}

/** Extends the holder's lease; a lease someone else took over is left alone. */
export async function renewNodeLease(nodeId: string, holder: string): Promise<void> {
  await getDb().node.updateMany({ where: { id: nodeId, pushLeaseHolder: holder }, data: { pushLeaseUntil: new Date(Date.now() + LEASE_MS) } });
}

export async function releaseNodeLease(nodeId: string, holder: string): Promise<void> {
  await getDb().node.updateMany({ where: { id: nodeId, pushLeaseHolder: holder }, data: { pushLeaseHolder: null, pushLeaseUntil: null } });
}
