/**
 * Nothing stays in flight: a deployment whose process is gone (the panel or a CLI push killed or restarted)
 * is settled from the node's own `status`, never from what it should have done. Runs at start-up and in every
 * collector round, in whichever process gets there first (a node's push lease keeps live pushes out).
 *
 * For each stale deployment (not final, untouched for the lease's length, its process not this one, its node
 * lease expired or never taken), the node is asked:
 *   - it still has this deployment pending, before its deadline: the panel confirms it now (the health check
 *     proves the panel reaches it), as the interrupted push would have;
 *   - it runs the deployment's version, nothing pending: CONFIRMED;
 *   - it rolled this deployment back by itself: ROLLED_BACK with the node's time and reason;
 *   - it runs another version: ROLLED_BACK when the deployment had applied, else FAILED (nothing changed; its
 *     staging is reset, which unloads the temporary sets a validation may have left);
 *   - it cannot be reached: left open with a message and asked again next round, until it has been open for
 *     GIVE_UP_MS, then UNREACHABLE with what is known.
 */
import { FINAL_STATES, findStaleDeployments, LEASE_MS, releaseNodeLease, takeNodeLease, updateDeployment, type DeploymentState } from "@/lib/db/queries/deployments";
import { isSshError } from "@/lib/ssh/errors";
import { sshTransport, type NodeTransport } from "@/lib/ssh/transport";

import { parseConfirmed, parseStatus, type NodeStatus } from "./agent-output";
import { isBatchRunningHere } from "./batch";
import { loadNodeTarget } from "./target";

/** How long an interrupted deployment whose node cannot be asked stays open before it is closed UNREACHABLE. */
export const GIVE_UP_MS = 60 * 60_000;

export interface Settlement {
  state: DeploymentState;
  message: string;
  digest?: string;
}

export interface StaleDeployment {
  id: string;
  state: DeploymentState;
  version: string;
}

/**
 * What to record for an interrupted deployment, from the node's status (pure). `confirm` is null when the node
 * had it pending and no confirmation was tried; "pending" then means: confirm it now.
 */
export function settleFromStatus(d: StaleDeployment, status: NodeStatus, now: Date): Settlement | "confirm" {
  if (status.pending !== null && status.pending.deployment === d.id) {
    const deadline = status.pending.deadline;
    if (deadline === null || deadline * 1000 > now.getTime() + 2_000) return "confirm";
    // Its timer is about to fire or firing: the next round reads the outcome.
    return { state: d.state, message: "Interrupted; the node's rollback timer is firing: asking it again" };
  }
  if (status.lastRollback !== null && status.lastRollback.deployment === d.id) {
    const rb = status.lastRollback;
    return {
      state: "ROLLED_BACK",
      message: `Interrupted; the node restored its previous version by itself at ${rb.at.toISOString()} (${rb.reason})${rb.ok ? "" : "; the restore reported errors"}`,
    };
  }
  if (status.pending === null && status.version === d.version) {
    return { state: "CONFIRMED", message: "Confirmed (the node reports this version; the push that started it was interrupted)", ...(status.confirmedDigest ? { digest: status.confirmedDigest } : {}) };
  }
  const runs = status.version === null ? "no confirmed version" : `version ${status.version.slice(0, 12)}`;
  if (d.state === "APPLIED") return { state: "ROLLED_BACK", message: `Interrupted after the apply; the node runs ${runs}` };
  if (d.state === "PENDING") return { state: "SKIPPED", message: `Interrupted before it started; the node runs ${runs}` };
  return { state: "FAILED", message: `Interrupted before the apply; nothing was changed, the node runs ${runs}` };
}

async function askNode(transport: NodeTransport, nodeId: string, d: StaleDeployment, now: Date): Promise<Settlement> {
  const { target } = await loadNodeTarget(nodeId);
  const session = await transport.open(target, { connectMs: 5_000, handshakeMs: 10_000 });
  try {
    const status = parseStatus((await session.run("status", 60_000)).stdout);
    const settled = settleFromStatus(d, status, now);
    if (settled !== "confirm") {
      // Interrupted before its apply: a validation may have left its temporary sets loaded; resetting the
      // staging unloads them (the agent refuses while any apply is pending).
      if (status.pending === null && (settled.state === "FAILED" || settled.state === "SKIPPED")) await session.run("stageReset", 60_000).catch(() => undefined);
      return settled;
    }
    const result = await session.run("confirm", 60_000);
    const confirmed = parseConfirmed(result.stdout);
    if (result.code === 0 && confirmed !== null && confirmed.version === d.version) {
      return { state: "CONFIRMED", message: "Confirmed after an interruption: the node still had it pending and the health check passed", digest: confirmed.digest };
    }
    // A refusal says nothing by itself: what the node runs now decides.
    const after = settleFromStatus(d, parseStatus((await session.run("status", 60_000)).stdout), now);
    return after === "confirm" ? { state: d.state, message: "Interrupted; the node refused the confirmation and keeps it pending: asking it again" } : after;
  } finally {
    session.close();
  }
}

/** Settles every stale in-flight deployment it can; returns how many it closed. Never throws for node trouble. */
export async function reconcileInFlightDeployments(options: { olderThanMs?: number; now?: () => Date; transport?: NodeTransport } = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const cutoff = new Date(now().getTime() - (options.olderThanMs ?? LEASE_MS));
  const stale = await findStaleDeployments(cutoff);
  let closed = 0;
  for (const row of stale) {
    if (isBatchRunningHere(row.batchId)) continue;
    // Take the node's lease for this deployment (a live push elsewhere holds it and renews it).
    const at = now();
    if (!(await takeNodeLease(row.nodeId, row.id, at))) continue;
    const d: StaleDeployment = { id: row.id, state: row.state, version: row.ruleset.hash };
    let settlement: Settlement;
    try {
      settlement = await askNode(options.transport ?? sshTransport, row.nodeId, d, at);
    } catch (error) {
      const reason = isSshError(error) || error instanceof Error ? error.message : "the node could not be asked";
      settlement =
        at.getTime() - row.createdAt.getTime() > GIVE_UP_MS
          ? { state: "UNREACHABLE", message: `Interrupted, and the node has not answered since (${reason}); it runs its old version unless the push was confirmed` }
          : { state: d.state, message: `Interrupted; asking the node again at the next round (${reason})` };
    }
    const isFinal = FINAL_STATES.includes(settlement.state);
    await updateDeployment(row.id, { state: settlement.state, message: settlement.message, ...(isFinal ? { progress: 100 } : {}), ...(settlement.digest !== undefined ? { digest: settlement.digest } : {}) }, isFinal, at);
    await releaseNodeLease(row.nodeId, row.id);
    if (isFinal) closed += 1;
  }
  return closed;
}
