import { assertPermission, type Caller } from "@/lib/auth/caller";
import { recordNodeTools, recordPanelAddress } from "@/lib/db/queries/nodes";
import { HostKeyMismatchError, isSshError } from "@/lib/ssh/errors";
import { sshTransport, type NodeChannel } from "@/lib/ssh/transport";

import { parseProbe, parseStatus, type NodeTools } from "./agent-output";
import { ensureAgent } from "./agent-script";
import { loadNodeTarget, recordHostKeyMismatch } from "./target";
import { explainNodeSshFailure } from "./unreachable";

/**
 * Interactive checks of one node: "Test connection" (reachability, authentication, tools) and "Check drift"
 * (the digest of Rampart's chains and sets now, against the one the node recorded when it confirmed the
 * version it runs; fail2ban's chains and ban sets are not part of it, so bans are never drift).
 */

export type { NodeTools };

export interface ConnectionTest {
  ok: boolean;
  stage?: "connect" | "handshake" | "command" | "upload" | "setup";
  message: string;
  tools?: NodeTools;
}

async function withSession<T>(nodeId: string, fn: (session: NodeChannel) => Promise<T>): Promise<T> {
  const { target } = await loadNodeTarget(nodeId);
  let session: NodeChannel;
  try {
    session = await sshTransport.open(target, { connectMs: 5_000, handshakeMs: 10_000 });
  } catch (error) {
    if (error instanceof HostKeyMismatchError) await recordHostKeyMismatch(nodeId, error.received);
    throw error;
  }
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

export async function testNodeConnection(caller: Caller, nodeId: string): Promise<ConnectionTest> {
  // Opening SSH connections to nodes is an operator's job, as in the dashboard and the API.
  assertPermission(caller, "deploy");
  try {
    const probe = await withSession(nodeId, async (session) => parseProbe((await session.run("probe", 20_000)).stdout));
    const tools = probe.tools;
    await recordNodeTools(nodeId, tools);
    if (probe.clientAddress !== null) await recordPanelAddress(nodeId, probe.clientAddress);
    const backend = tools.iptables ? `iptables ${tools.iptables.version} (${tools.iptables.backend})` : "no iptables";
    return tools.missing.length === 0
      ? { ok: true, message: `Connected and authenticated; ${backend}, ipset ${tools.ipset}, fail2ban ${tools.fail2ban}.`, tools }
      : { ok: false, stage: "setup", message: `Connected, but the node lacks ${tools.missing.join(", ")}.`, tools };
  } catch (error) {
    // A connect failure says whether the node refuses, has no route, or drops the panel while answering SIP.
    if (isSshError(error)) return { ok: false, stage: error.stage, message: (await explainNodeSshFailure(nodeId, error)) ?? error.message };
    if (error instanceof Error && "code" in error) return { ok: false, stage: "setup", message: error.message };
    throw error;
  }
}

export interface DriftCheck {
  /** null: could not tell (never pushed, unreachable). */
  drifted: boolean | null;
  message: string;
  digest?: string;
}

export async function checkNodeDrift(caller: Caller, nodeId: string): Promise<DriftCheck> {
  assertPermission(caller, "deploy");
  try {
    return await withSession(nodeId, async (session) => {
      const probe = await ensureAgent(session);
      if (probe.clientAddress !== null) await recordPanelAddress(nodeId, probe.clientAddress);
      if (probe.version === null) return { drifted: null, message: "Rampart has not pushed to this node yet." };
      const status = parseStatus((await session.run("status", 60_000)).stdout);
      if (status.digest === null || status.confirmedDigest === null) return { drifted: null, message: "The node has no confirmed digest to compare with." };
      const drifted = status.digest !== status.confirmedDigest;
      return {
        drifted,
        digest: status.digest,
        message: drifted
          ? `Rampart's chains or sets on the node were changed outside Rampart since version ${status.version?.slice(0, 12)} was confirmed; push again to restore them.`
          : `No drift: Rampart's chains and sets match version ${status.version?.slice(0, 12)}.`,
      };
    });
  } catch (error) {
    if (isSshError(error) || (error instanceof Error && "code" in error)) return { drifted: null, message: error.message };
    throw error;
  }
}
