import { openNodeKey } from "@/lib/crypto/node-keys";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR, writeAudit } from "@/lib/db/queries/audit";
import { AppError } from "@/lib/errors";
import type { SshTarget } from "@/lib/ssh/session";

/**
 * The one place a node's private key is decrypted: for the length of a connection attempt, into an SshTarget
 * that never leaves the server. A node with a host-key alert, no pinned key or no private key gets no target.
 */
export interface NodeRef {
  id: string;
  name: string;
}

export async function loadNodeTarget(nodeId: string): Promise<{ node: NodeRef; target: SshTarget }> {
  const node = await getDb().node.findUnique({ where: { id: nodeId } });
  if (!node) throw new AppError("NOT_FOUND", "The node does not exist.");
  if (node.hostKeyMismatchFingerprint !== null) {
    throw new AppError("CONFLICT", `${node.name} presented a different host key (${node.hostKeyMismatchFingerprint}); review and re-pin it before Rampart connects again.`);
  }
  if (node.hostKeyFingerprint === null) throw new AppError("CONFLICT", `${node.name} has no pinned host key.`);
  if (node.encryptedPrivateKey === null) throw new AppError("CONFLICT", `${node.name} has no private key.`);
  return {
    node: { id: node.id, name: node.name },
    target: {
      host: node.host,
      port: node.port,
      user: node.sshUser,
      privateKey: openNodeKey(node.encryptedPrivateKey),
      hostKeyFingerprint: node.hostKeyFingerprint,
    },
  };
}

/** Raises the host-key alert: every later connection to the node is refused until an administrator re-pins. */
export async function recordHostKeyMismatch(nodeId: string, fingerprint: string): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const node = await tx.node.update({
      where: { id: nodeId },
      data: { hostKeyMismatchFingerprint: fingerprint, hostKeyMismatchAt: new Date() },
      select: { id: true, name: true, hostKeyFingerprint: true },
    });
    await writeAudit(tx, SYSTEM_ACTOR, {
      action: "node.host_key_mismatch",
      objectType: "node",
      objectId: node.id,
      before: { name: node.name, hostKeyFingerprint: node.hostKeyFingerprint },
      after: { name: node.name, presentedFingerprint: fingerprint },
    });
  });
}
