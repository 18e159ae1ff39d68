/**
 * Reused SSH connections to nodes, one per node id, shared by the collector and the unbanner of this process.
 * A fresh handshake costs ~70-200 ms and a command on a reused connection ~2 ms (FIELD-NOTES), so a 15 s poll
 * over many nodes must not reconnect each time. A connection is opened again when it closed, and replaced when
 * the node's target changed (host, port, user, key or pinned host key), so an edited node never keeps talking
 * over the old credentials. Before the first command on a connection the agent's hash is checked and the agent
 * uploaded when it is missing or different (as a push does).
 */
import { createHash } from "node:crypto";

import { ensureAgent as ensureNodeAgent } from "@/lib/deploy/agent-script";
import { loadNodeTarget, recordHostKeyMismatch } from "@/lib/deploy/target";
import { HostKeyMismatchError } from "@/lib/ssh/errors";
import type { SshDeadlines } from "@/lib/ssh/session";
import { sshTransport, type NodeChannel, type NodeTransport } from "@/lib/ssh/transport";

// How the collector and unban reach nodes: SSH unless a test scripts the nodes (setNodeTransport).
let transport: NodeTransport = sshTransport;

/** Replaces the transport of pooled connections (tests); null restores SSH. Closes what is pooled. */
export function setNodeTransport(next: NodeTransport | null): void {
  closeAllNodeConnections();
  transport = next ?? sshTransport;
}

export interface PooledNode {
  nodeId: string;
  nodeName: string;
  session: NodeChannel;
}

interface Entry {
  targetKey: string;
  session: NodeChannel;
  isAgentChecked: boolean;
  openedAt: number;
}

/**
 * A pooled connection is replaced after this long: a host key is checked only when a connection opens, so a
 * node whose key changed (re-installed, or an address taken over) is noticed within this time, not never.
 */
export const MAX_CONNECTION_AGE_MS = 5 * 60_000;

const DEFAULT_POOL_DEADLINES: Partial<SshDeadlines> = { connectMs: 5_000, handshakeMs: 8_000, commandMs: 10_000, uploadMs: 30_000 };

const pool = new Map<string, Entry>();
/** One connection attempt per node at a time: concurrent callers wait for the same one. */
const opening = new Map<string, Promise<Entry>>();

/** Identifies a target without keeping key material around: a digest, never the key itself. */
function targetKeyOf(target: { host: string; port: number; user: string; privateKey: string; hostKeyFingerprint: string }): string {
  return createHash("sha256").update([target.host, String(target.port), target.user, target.hostKeyFingerprint, target.privateKey].join("\u0000")).digest("hex");
}

async function ensureAgent(entry: Entry): Promise<void> {
  if (entry.isAgentChecked) return;
  await ensureNodeAgent(entry.session);
  entry.isAgentChecked = true;
}

async function open(nodeId: string, deadlines: Partial<SshDeadlines>): Promise<{ entry: Entry; nodeName: string }> {
  // Decrypts the key for the length of this call; a node with a host-key alert or no key throws here, and its
  // pooled connection goes with it.
  let loaded: Awaited<ReturnType<typeof loadNodeTarget>>;
  try {
    loaded = await loadNodeTarget(nodeId);
  } catch (error) {
    dropNodeConnection(nodeId);
    throw error;
  }
  const { node, target } = loaded;
  const targetKey = targetKeyOf(target);
  const current = pool.get(nodeId);
  const isFresh = current !== undefined && Date.now() - current.openedAt < MAX_CONNECTION_AGE_MS;
  if (current && isFresh && current.targetKey === targetKey && !current.session.isClosed) return { entry: current, nodeName: node.name };
  if (current) {
    current.session.close();
    pool.delete(nodeId);
  }
  let pending = opening.get(nodeId);
  if (pending === undefined) {
    pending = (async () => {
      try {
        const session = await transport.open(target, deadlines);
        const entry: Entry = { targetKey, session, isAgentChecked: false, openedAt: Date.now() };
        pool.set(nodeId, entry);
        return entry;
      } catch (error) {
        if (error instanceof HostKeyMismatchError) await recordHostKeyMismatch(nodeId, error.received);
        throw error;
      } finally {
        opening.delete(nodeId);
      }
    })();
    opening.set(nodeId, pending);
  }
  return { entry: await pending, nodeName: node.name };
}

/**
 * Runs `work` over the node's pooled connection (opened or re-opened as needed, agent checked). When the work
 * fails, the connection is dropped so the next call starts clean: a timed-out command may leave the channel
 * or the connection in an unknown state.
 */
export async function withNodeConnection<T>(nodeId: string, work: (node: PooledNode) => Promise<T>, deadlines: Partial<SshDeadlines> = DEFAULT_POOL_DEADLINES): Promise<T> {
  const { entry, nodeName } = await open(nodeId, { ...DEFAULT_POOL_DEADLINES, ...deadlines });
  try {
    await ensureAgent(entry);
    return await work({ nodeId, nodeName, session: entry.session });
  } catch (error) {
    dropNodeConnection(nodeId);
    throw error;
  }
}

/** Closes the node's pooled connection (node deleted, disabled or edited, or a failed command). */
export function dropNodeConnection(nodeId: string): void {
  const entry = pool.get(nodeId);
  if (!entry) return;
  entry.session.close();
  pool.delete(nodeId);
}

/** Closes connections of nodes not in `keep` (deleted or disabled since the last cycle). */
export function pruneNodeConnections(keep: ReadonlySet<string>): void {
  for (const nodeId of [...pool.keys()]) if (!keep.has(nodeId)) dropNodeConnection(nodeId);
}

export function closeAllNodeConnections(): void {
  for (const nodeId of [...pool.keys()]) dropNodeConnection(nodeId);
}
