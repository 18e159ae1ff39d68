import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { summarizeExposure, type ExposurePorts, type ExposureSummaryRow } from "@/lib/rules/exposure-summary";
import {
  effectiveExposure,
  exposureOverrideSchema,
  exposurePortConflicts,
  exposureSchema,
  type Exposure,
  type ExposureOverride,
} from "@/lib/validation/exposure";
import { checkPanelAddresses } from "@/lib/validation/panel-addresses";
import { SIP_TRANSPORTS } from "@/lib/validation/policy";
import { isUuid } from "@/lib/validation/ids";
import { writeAudit } from "./audit";

// The exposure policy (the exposure_policy singleton), each node's override of it (nodes.exposure_override) and
// the panel's configured source addresses (platform_settings.panel_addresses). Reads need "policy:read"; every
// write is ADMIN-only ("settings:manage"): these settings decide which ports of every node the whole Internet
// reaches and which addresses no jail ever bans. A write re-validates the whole value, checks its ports against
// the platform ports and the SIP/RTP ports (a port both management-only and open would be both open and
// closed), and audits before and after in the same transaction; a write that changes nothing is not audited.

type Tx = Prisma.TransactionClient;
type Db = Tx | ReturnType<typeof getDb>;

const NODE_NOT_FOUND = "The node does not exist.";
const byNumber = (a: number, b: number) => a - b;
const sortPorts = (ports: readonly number[]) => [...ports].sort(byNumber);

function normalizeExposure(value: Exposure): Exposure {
  return { ...value, amiPorts: sortPorts(value.amiPorts), extraTcpPorts: sortPorts(value.extraTcpPorts), extraUdpPorts: sortPorts(value.extraUdpPorts) };
}

function normalizeOverride(value: ExposureOverride): ExposureOverride | null {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[key] = Array.isArray(item) ? sortPorts(item as number[]) : item;
  }
  return Object.keys(out).length === 0 ? null : (out as ExposureOverride);
}

/** JSON with sorted keys, so equal values compare equal whatever order their keys were built in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function readExposure(db: Db): Promise<Exposure> {
  let row = await db.exposurePolicy.findUnique({ where: { id: 1 } });
  if (!row) {
    await db.$executeRaw`INSERT INTO exposure_policy (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    row = await db.exposurePolicy.findUniqueOrThrow({ where: { id: 1 } });
  }
  // The column type allows MANAGEMENT for SIP and RTP; the schema does not (SIP closed to the PBX's own users
  // is not a policy). Read as ALLOWED, like the snapshot loader does.
  return normalizeExposure({
    sipFrom: row.sipFrom === "MANAGEMENT" ? "ALLOWED" : row.sipFrom,
    rtpFrom: row.rtpFrom === "MANAGEMENT" ? "ALLOWED" : row.rtpFrom,
    webFrom: row.webFrom,
    amiPorts: [...row.amiPorts],
    extraTcpPorts: [...row.extraTcpPorts],
    extraUdpPorts: [...row.extraUdpPorts],
    icmpEcho: row.icmpEcho,
    dropPortScans: row.dropPortScans,
    sshNewPerMinute: row.sshNewPerMinute,
    finalAction: row.finalAction,
  });
}

/** The ports the rest of the policy uses (platform SSH and web ports, SIP ports and transports, RTP range). */
async function readPorts(db: Db): Promise<ExposurePorts> {
  const [platform, rate] = await Promise.all([
    db.platformSettings.findUnique({ where: { id: 1 }, select: { sshPorts: true, webPorts: true } }),
    db.rateLimitSettings.findUnique({ where: { id: 1 }, select: { sipPorts: true, transports: true, rtpPortMin: true, rtpPortMax: true } }),
  ]);
  return {
    sshPorts: sortPorts(platform?.sshPorts ?? [22]),
    webPorts: sortPorts(platform?.webPorts ?? [80, 443]),
    sipPorts: sortPorts(rate?.sipPorts ?? [5060]),
    sipTransports: SIP_TRANSPORTS.filter((t) => (rate?.transports ?? ["UDP"]).includes(t)),
    rtpPortMin: rate?.rtpPortMin ?? 10000,
    rtpPortMax: rate?.rtpPortMax ?? 20000,
  };
}

/** A stored override as the schema reads it; one that no longer parses (written around this module) is reported. */
function parseStoredOverride(value: Prisma.JsonValue | null): { override: ExposureOverride | null; problem: string | null } {
  if (value === null) return { override: null, problem: null };
  const parsed = exposureOverrideSchema.safeParse(value);
  if (!parsed.success) return { override: null, problem: `The stored override is not valid (${parsed.error.issues[0]?.message ?? "unknown field"}); set it again or clear it.` };
  return { override: normalizeOverride(parsed.data), problem: null };
}

function conflictError(issues: { path: string; message: string }[], prefix = ""): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) (fieldErrors[issue.path] ??= []).push(`${prefix}${issue.message}`);
  return new AppError("VALIDATION", `${prefix}${issues[0]!.message}`, fieldErrors);
}

function nodeWhere(idOrName: string) {
  return isUuid(idOrName) ? { id: idOrName } : { name: idOrName };
}

// ---------------------------------------------------------------------------------------------------------
// Cluster policy
// ---------------------------------------------------------------------------------------------------------

/** The cluster's exposure policy. */
export async function getExposure(caller: Caller): Promise<Exposure> {
  assertPermission(caller, "policy:read");
  return readExposure(getDb());
}

/** The ports the summary rows and the conflict checks use. */
export async function getExposurePorts(caller: Caller): Promise<ExposurePorts> {
  assertPermission(caller, "policy:read");
  return readPorts(getDb());
}

/**
 * Replaces the cluster's exposure policy (ADMIN). Refused (422, per field) when a management-only port is also a
 * SIP, SSH or web port or lies in the RTP range, for the cluster and for every node's override laid over it.
 */
export async function updateExposure(caller: Caller, input: unknown): Promise<Exposure> {
  assertPermission(caller, "settings:manage");
  const after = normalizeExposure(exposureSchema.parse(input));
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO exposure_policy (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    await tx.$queryRaw`SELECT id FROM exposure_policy WHERE id = 1 FOR UPDATE`;
    const before = await readExposure(tx);
    const ports = await readPorts(tx);
    const conflicts = exposurePortConflicts(after, ports);
    if (conflicts.length > 0) throw conflictError(conflicts);
    // A node's override keeps the fields it sets: the cluster's new values must also fit with those.
    const overriding = await tx.node.findMany({ where: { exposureOverride: { not: Prisma.DbNull } }, select: { name: true, exposureOverride: true }, orderBy: { name: "asc" } });
    for (const node of overriding) {
      const { override } = parseStoredOverride(node.exposureOverride);
      if (override === null) continue;
      const nodeConflicts = exposurePortConflicts(effectiveExposure(after, override), ports);
      if (nodeConflicts.length > 0) throw conflictError(nodeConflicts, `With the override of node ${node.name}: `);
    }
    if (stableJson(before) === stableJson(after)) return after;
    await tx.exposurePolicy.update({ where: { id: 1 }, data: after });
    await writeAudit(tx, caller.actor, {
      action: "settings.exposure.update",
      objectType: "exposure-policy",
      objectId: "1",
      before: before as unknown as Prisma.InputJsonValue,
      after: after as unknown as Prisma.InputJsonValue,
    });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Per-node override
// ---------------------------------------------------------------------------------------------------------

export interface NodeExposure {
  nodeId: string;
  nodeName: string;
  /** The fields this node sets itself; null: the node follows the cluster's policy. */
  override: ExposureOverride | null;
  /** Set when the stored override does not parse (it is then ignored here and refused by the next render). */
  overrideProblem: string | null;
  /** The cluster's policy with the override laid over it: what the node's rules enforce after the next push. */
  effective: Exposure;
  /** What the node will expose, in words (lib/rules/exposure-summary). */
  summary: ExposureSummaryRow[];
}

/** A node's override of the exposure policy, its effective policy and the summary rows. */
export async function getNodeExposureOverride(caller: Caller, idOrName: string): Promise<NodeExposure> {
  assertPermission(caller, "policy:read");
  assertPermission(caller, "nodes:read");
  const db = getDb();
  const node = await db.node.findUnique({ where: nodeWhere(idOrName), select: { id: true, name: true, exposureOverride: true } });
  if (!node) throw new AppError("NOT_FOUND", NODE_NOT_FOUND);
  const [cluster, ports] = await Promise.all([readExposure(db), readPorts(db)]);
  return nodeExposureOf(node, cluster, ports);
}

function nodeExposureOf(node: { id: string; name: string; exposureOverride: Prisma.JsonValue | null }, cluster: Exposure, ports: ExposurePorts): NodeExposure {
  const { override, problem } = parseStoredOverride(node.exposureOverride);
  const effective = effectiveExposure(cluster, override);
  return { nodeId: node.id, nodeName: node.name, override, overrideProblem: problem, effective, summary: summarizeExposure(effective, ports) };
}

/**
 * Sets (or, with null or an empty object, clears) a node's override (ADMIN). The override is validated with
 * exposureOverrideSchema and the effective policy it gives the node is checked like the cluster's.
 */
export async function setNodeExposureOverride(caller: Caller, idOrName: string, input: unknown): Promise<NodeExposure> {
  assertPermission(caller, "settings:manage");
  const next = input === null ? null : normalizeOverride(exposureOverrideSchema.parse(input));
  await getDb().$transaction(async (tx) => {
    const node = await tx.node.findUnique({ where: nodeWhere(idOrName), select: { id: true, name: true, exposureOverride: true } });
    if (!node) throw new AppError("NOT_FOUND", NODE_NOT_FOUND);
    // The cluster row is locked so a concurrent cluster change cannot slip a conflict past either check.
    await tx.$executeRaw`INSERT INTO exposure_policy (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    await tx.$queryRaw`SELECT id FROM exposure_policy WHERE id = 1 FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM nodes WHERE id = ${node.id}::uuid FOR UPDATE`;
    if (next !== null) {
      const conflicts = exposurePortConflicts(effectiveExposure(await readExposure(tx), next), await readPorts(tx));
      if (conflicts.length > 0) throw conflictError(conflicts);
    }
    const before = node.exposureOverride;
    if (stableJson(before) === stableJson(next)) return;
    await tx.node.update({ where: { id: node.id }, data: { exposureOverride: next === null ? Prisma.DbNull : (next as Prisma.InputJsonValue) } });
    await writeAudit(tx, caller.actor, {
      action: next === null ? "node.exposure-override.clear" : "node.exposure-override.update",
      objectType: "node",
      objectId: node.id,
      before: { name: node.name, exposureOverride: before ?? null } as Prisma.InputJsonValue,
      after: { name: node.name, exposureOverride: next ?? null } as Prisma.InputJsonValue,
    });
  });
  return getNodeExposureOverride(caller, idOrName);
}

/** The cluster policy, the ports, and every node with its override and effective policy (name order). */
export async function getExposureOverview(caller: Caller): Promise<{ cluster: Exposure; ports: ExposurePorts; clusterSummary: ExposureSummaryRow[]; nodes: NodeExposure[] }> {
  assertPermission(caller, "policy:read");
  assertPermission(caller, "nodes:read");
  const db = getDb();
  const [cluster, ports, nodes] = await Promise.all([
    readExposure(db),
    readPorts(db),
    db.node.findMany({ select: { id: true, name: true, exposureOverride: true }, orderBy: { name: "asc" } }),
  ]);
  return { cluster, ports, clusterSummary: summarizeExposure(cluster, ports), nodes: nodes.map((node) => nodeExposureOf(node, cluster, ports)) };
}

// ---------------------------------------------------------------------------------------------------------
// Panel addresses
// ---------------------------------------------------------------------------------------------------------

export interface PanelAddresses {
  /** Configured by an administrator: canonical networks, sorted. */
  configured: string[];
  /** What each node saw the panel connect from (read-only, discovered on every connection). */
  discovered: { nodeId: string; nodeName: string; address: string | null; seenAt: Date | null }[];
}

export async function getPanelAddresses(caller: Caller): Promise<PanelAddresses> {
  assertPermission(caller, "policy:read");
  assertPermission(caller, "nodes:read");
  const db = getDb();
  const [platform, nodes] = await Promise.all([
    db.platformSettings.findUnique({ where: { id: 1 }, select: { panelAddresses: true } }),
    db.node.findMany({ select: { id: true, name: true, panelAddress: true, panelAddressSeenAt: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    configured: [...(platform?.panelAddresses ?? [])],
    discovered: nodes.map((n) => ({ nodeId: n.id, nodeName: n.name, address: n.panelAddress, seenAt: n.panelAddressSeenAt })),
  };
}

/** Replaces the configured panel addresses (ADMIN); answers the stored, canonical, sorted list. */
export async function setPanelAddresses(caller: Caller, input: unknown): Promise<PanelAddresses> {
  assertPermission(caller, "settings:manage");
  const after = checkPanelAddresses(input);
  await getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ panel_addresses: string[] | null }[]>`SELECT panel_addresses FROM platform_settings WHERE id = 1 FOR UPDATE`;
    const before = row?.panel_addresses ?? [];
    if (stableJson(before) === stableJson(after)) return;
    await tx.platformSettings.update({ where: { id: 1 }, data: { panelAddresses: after } });
    await writeAudit(tx, caller.actor, {
      action: "settings.panel-addresses.update",
      objectType: "platform-settings",
      objectId: "1",
      before: { panelAddresses: before },
      after: { panelAddresses: after },
    });
  });
  return getPanelAddresses(caller);
}
