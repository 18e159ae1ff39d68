/**
 * Lifts an extension block and sends every node the cluster's guard state at once: the one service behind the
 * Blocked extensions page, POST /api/v1/call-limits/blocks/{id}/lift and `rampart extension unblock`.
 *
 * The lift is stored (and audited) first; the nodes then learn of it from syncGuardCluster, which sends the open
 * blocks and the recent lifts. A node that cannot be reached now gets the same state with its next poll, so the
 * lift stands either way and the answer only says how many nodes have it already.
 */
// No "server-only" marker: the CLI runs this outside Next.js, where the marker throws.

import type { Caller } from "@/lib/auth/caller";
import { liftExtensionBlock, liftExtensionBlockOf, type ExtensionBlockItem } from "@/lib/db/queries/extension-blocks";
import { syncGuardCluster, type GuardClusterSyncResult } from "@/lib/observe/guard-cluster-sync";
import type { LiftBlockByExtension } from "@/lib/validation/extension-blocks";

export interface LiftBlockResult {
  block: ExtensionBlockItem;
  /** Nodes that hold the lift now, and nodes that get it with their next poll. */
  nodes: { updated: number; pending: number };
}

export type ClusterSync = () => Promise<GuardClusterSyncResult[]>;

/** Lifts the block with this id, or the open block of an account code's extension, then syncs the cluster. */
export async function liftBlockOnCluster(
  caller: Caller,
  target: { id: string } | LiftBlockByExtension,
  sync: ClusterSync = () => syncGuardCluster(),
): Promise<LiftBlockResult> {
  const block = "id" in target ? await liftExtensionBlock(caller, target.id) : await liftExtensionBlockOf(caller, target);
  const results = await sync().catch((error: unknown) => {
    console.error("rampart: sending the lifted block to the nodes failed; they get it with their next poll", error);
    return [];
  });
  const updated = results.filter((r) => r.ok).length;
  return { block, nodes: { updated, pending: results.length - updated } };
}
