/**
 * The checks a push passes before anything is rendered, stored or sent: a policy that would leave a node
 * administrable by the panel alone, one that does not open the SSH port the panel itself connects on, or a
 * node whose stored exposure override no longer parses is refused for the whole push, with a message that
 * says where to fix it. Pure: the caller passes the validated policy, the nodes' rows and the render's clock.
 *
 * node-push.ts keeps its own, later check per node (the panel's address as the node sees it must be among the
 * version's panel addresses); these are the ones that can be decided from the database alone.
 */
import { effectiveExposure, exposureOverrideSchema, exposurePortConflicts, type Exposure, type ExposureOverride } from "@/lib/validation/exposure";

export interface PreflightPolicy {
  /** The cluster's exposure policy. */
  exposure: Exposure;
  /**
   * The ports the rest of the policy uses; sshPorts (the platform SSH ports) are the ones the chain opens to the
   * management networks and the panel.
   */
  ports: Parameters<typeof exposurePortConflicts>[1];
  /** The cluster's MANAGEMENT entries as the snapshot holds them (approved ones only); expired ones do not count. */
  management: readonly { expiresAt?: string | null }[];
}

export interface PreflightNode {
  name: string;
  /** The port the panel connects to (Node.port). */
  port: number;
  /** The node's own management address: rendered into that node's management set. */
  managementAddress: string | null;
  /** As stored (nodes.exposure_override), unvalidated. */
  exposureOverride: unknown;
}

export const MANAGEMENT_ACCESS_PLACE = "Firewall → Management access";
export const EXPOSURE_PLACE = "Firewall → Exposure";
export const SSH_PORTS_PLACE = "Firewall → GeoIP, Ports";

const isDefaultDeny = (exposure: Exposure) => exposure.finalAction !== "RETURN";
const names = (nodes: readonly { name: string }[]) => nodes.map((n) => n.name).join(", ");

/** The stored override as the render reads it, or why it cannot be read. */
function parseOverride(value: unknown): { ok: true; override: ExposureOverride | null } | { ok: false; problem: string } {
  if (value === null || value === undefined) return { ok: true, override: null };
  const parsed = exposureOverrideSchema.safeParse(value);
  if (parsed.success) return { ok: true, override: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  return { ok: false, problem: `${where}${issue?.message ?? "not an override"}` };
}

function hasManagementInForce(management: PreflightPolicy["management"], nowMs: number): boolean {
  // Same rule as the compiler: an entry whose expiry is not after the render's clock is left out.
  return management.some((entry) => entry.expiresAt === undefined || entry.expiresAt === null || Date.parse(entry.expiresAt) > nowMs);
}

/**
 * Why this push must not go ahead, one sentence per problem (empty: it may). Deterministic; nodes keep the
 * order given. A node whose override does not parse is refused on that alone (its effective policy is unknown,
 * and falling back to the cluster's could open it wider than its administrator chose).
 */
export function findPushRefusals(policy: PreflightPolicy, nodes: readonly PreflightNode[], now: Date): string[] {
  const refusals: string[] = [];
  const checked: { node: PreflightNode; exposure: Exposure }[] = [];
  for (const node of nodes) {
    const parsed = parseOverride(node.exposureOverride);
    if (!parsed.ok) {
      refusals.push(
        `Refused: the exposure override stored for node ${node.name} is not valid (${parsed.problem}); nothing was pushed. Set it again or clear it on the node's page or under ${EXPOSURE_PLACE}.`,
      );
      continue;
    }
    const exposure = effectiveExposure(policy.exposure, parsed.override);
    // The data layer refuses to store such an override; one written around it is refused here too.
    const conflicts = parsed.override === null ? [] : exposurePortConflicts(exposure, policy.ports);
    if (conflicts.length > 0) {
      refusals.push(
        `Refused: the exposure override stored for node ${node.name} does not fit the policy's ports (${conflicts.map((c) => c.message).join(" ")}); nothing was pushed. Set it again or clear it on the node's page or under ${EXPOSURE_PLACE}.`,
      );
      continue;
    }
    checked.push({ node, exposure });
  }

  // A node's own management address is in its management set: someone besides the panel can reach it.
  const hasClusterManagement = hasManagementInForce(policy.management, now.getTime());
  const panelOnly = checked.filter(({ node, exposure }) => isDefaultDeny(exposure) && !hasClusterManagement && node.managementAddress === null).map((c) => c.node);
  if (panelOnly.length > 0) {
    const expired = policy.management.length > 0 ? ` (the ${policy.management.length} listed ${policy.management.length === 1 ? "entry has" : "entries have"} expired)` : "";
    refusals.push(
      `Refused: no management network${expired}. With default deny, only the panel could reach SSH and the PBX's admin services on ${names(panelOnly)}; add your administrators' network under ${MANAGEMENT_ACCESS_PLACE} first (or set the final action to RETURN under ${EXPOSURE_PLACE}).`,
    );
  }

  const opened = [...new Set(policy.ports.sshPorts)].sort((a, b) => a - b);
  const byPort = new Map<number, PreflightNode[]>();
  for (const { node } of checked) if (!opened.includes(node.port)) byPort.set(node.port, [...(byPort.get(node.port) ?? []), node]);
  for (const [port, offPort] of [...byPort].sort(([a], [b]) => a - b)) {
    const subject = offPort.length === 1 ? `node ${offPort[0]!.name} is` : `nodes ${names(offPort)} are`;
    const isAnyDenied = checked.some(({ node, exposure }) => offPort.includes(node) && isDefaultDeny(exposure));
    const consequence = isAnyDenied ? "the push would cut the panel off" : "none of the rules that keep the panel in would cover it";
    refusals.push(
      `Refused: ${subject} reached on SSH port ${port}, which the exposure policy does not open (it opens ${opened.join(", ") || "none"}); ${consequence}. Add ${port} to the SSH ports (${SSH_PORTS_PLACE}) or change the node's port.`,
    );
  }
  return refusals;
}
