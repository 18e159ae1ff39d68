/**
 * Sends every collectable node the cluster's guard state now (lib/observe/guard-cluster.ts), over the pooled SSH
 * connections, without waiting for the next poll: a block lifted by an operator takes effect on every node in one
 * round trip. A node that cannot be reached gets the same state with its next poll.
 */
import { listCollectableNodeIds } from "@/lib/observe/collector";
import { withNodeConnection } from "@/lib/observe/node-connections";

import { guardClusterUpload } from "./guard-cluster";

export interface GuardClusterSyncResult {
  nodeId: string;
  ok: boolean;
  /** Why the node was not updated now (it is at its next poll). */
  error?: string;
}

export async function syncGuardCluster(options: { nodeIds?: readonly string[]; now?: () => Date } = {}): Promise<GuardClusterSyncResult[]> {
  const nodeIds = options.nodeIds ?? (await listCollectableNodeIds());
  const now = options.now ?? (() => new Date());
  return Promise.all(
    nodeIds.map(async (nodeId) => {
      try {
        const upload = await guardClusterUpload(nodeId, now());
        await withNodeConnection(nodeId, ({ session }) => session.upload([upload]));
        return { nodeId, ok: true };
      } catch (error) {
        return { nodeId, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
