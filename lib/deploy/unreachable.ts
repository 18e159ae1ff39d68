import { getDb } from "@/lib/db/client";
import { classifySshFailure, DEFAULT_SIP_PORT, diagnoseSshFailure, probeSipOptions, type SipProbeResult } from "@/lib/ssh/diagnose";

/**
 * A node's SSH connect failure explained (lib/ssh/diagnose) with what the database knows: the node's host and
 * SSH port, the lowest configured SIP port, and the address the node last saw the panel connect from (the one
 * its fail2ban would have banned). Never throws: when the look-up fails the caller keeps its own message.
 */

interface CachedProbe {
  key: string;
  at: number;
  result: SipProbeResult;
}

/** How long a periodic caller (the collector) reuses a node's SIP probe: a few probes per hour at most. */
export const POLL_PROBE_REUSE_MS = 5 * 60_000;

const recentProbes = new Map<string, CachedProbe>();
const RECENT_PROBES_MAX = 10_000;

/**
 * The SIP probe, reusing a result younger than `maxAgeMs` for the same node, host and port. The collector
 * polls every few seconds: an OPTIONS from an address the node does not exempt is logged by Asterisk as
 * "No matching endpoint found", which its VoIP jail counts, so a down node must not be asked on every poll.
 */
function reusingProbe(nodeId: string, maxAgeMs: number) {
  return async (host: string, port: number, timeoutMs: number): Promise<SipProbeResult> => {
    const key = `${host}\u0000${port}`;
    const cached = recentProbes.get(nodeId);
    if (cached !== undefined && cached.key === key && Date.now() - cached.at < maxAgeMs) return cached.result;
    const result = await probeSipOptions(host, port, timeoutMs);
    if (recentProbes.size >= RECENT_PROBES_MAX) recentProbes.clear();
    recentProbes.set(nodeId, { key, at: Date.now(), result });
    return result;
  };
}

/**
 * The failure's message with its likely cause ("drops or bans the panel", "down", "REJECT rule"), or null when
 * `error` is not an SSH connect failure (then nothing is read and nothing is probed). `maxProbeAgeMs` lets a
 * periodic caller reuse a recent SIP probe of the same node; interactive callers always probe afresh.
 */
export async function explainNodeSshFailure(nodeId: string, error: unknown, options: { maxProbeAgeMs?: number } = {}): Promise<string | null> {
  if (classifySshFailure(error) === null) return null;
  try {
    const db = getDb();
    const [node, rate] = await Promise.all([
      db.node.findUnique({ where: { id: nodeId }, select: { host: true, port: true, panelAddress: true } }),
      db.rateLimitSettings.findUnique({ where: { id: 1 }, select: { sipPorts: true } }),
    ]);
    if (node === null) return null;
    const sipPorts = rate?.sipPorts ?? [];
    const sipPort = sipPorts.length > 0 ? Math.min(...sipPorts) : DEFAULT_SIP_PORT;
    const probe = options.maxProbeAgeMs === undefined ? undefined : reusingProbe(nodeId, options.maxProbeAgeMs);
    return await diagnoseSshFailure({ host: node.host, sshPort: node.port, sipPort, panelAddress: node.panelAddress }, error, { probe });
  } catch {
    return null;
  }
}
