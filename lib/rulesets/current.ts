import { getDb } from "@/lib/db/client";
import { loadPolicySnapshot } from "@/lib/db/queries/policy-snapshot";
import { AppError } from "@/lib/errors";
import { geoIpDatasetDir } from "@/lib/geo/dataset-dir";
import { loadGeoIpDataset } from "@/lib/rules/geo-data";
import { createMemoryGeoIpSource, type GeoIpSource } from "@/lib/rules/geoip";
import { renderRuleset, type RenderedRuleset } from "@/lib/rules/render";

// The one place that feeds the pure compiler: the policy read once from the database, the node's own
// inputs, and the shipped GeoIP dataset (loaded only when a GeoIP mode needs it).

/** The render target when no node is named: the cluster-wide policy without node-specific inputs. */
export const CLUSTER_TARGET = "cluster";

const emptyGeo = createMemoryGeoIpSource("none", {});

export interface RenderTarget {
  nodeName: string;
  managementAddresses: string[];
  tags: string[];
  /** The configured panel addresses and the one this node saw the panel connect from, canonical, sorted. */
  panelAddresses: string[];
  /** The node's exposure override as stored (the compiler validates it; an invalid one refuses the render). */
  exposureOverride: unknown;
}

/** The node's row fields a render target is built from. */
export const RENDER_TARGET_SELECT = { name: true, managementAddress: true, tags: true, panelAddress: true, exposureOverride: true } as const;

/** The panel addresses an administrator configured (platform_settings.panel_addresses). */
export async function loadConfiguredPanelAddresses(): Promise<string[]> {
  const row = await getDb().platformSettings.findUnique({ where: { id: 1 }, select: { panelAddresses: true } });
  return row?.panelAddresses ?? [];
}

/** A node's render inputs from its row and the configured panel addresses. */
export function renderTargetOf(
  node: { name: string; managementAddress: string | null; tags: string[]; panelAddress: string | null; exposureOverride: unknown },
  configuredPanelAddresses: readonly string[],
): RenderTarget {
  const panel = new Set(configuredPanelAddresses);
  if (node.panelAddress) panel.add(node.panelAddress);
  return {
    nodeName: node.name,
    managementAddresses: node.managementAddress ? [node.managementAddress] : [],
    tags: [...node.tags].sort(),
    panelAddresses: [...panel].sort(),
    exposureOverride: node.exposureOverride ?? null,
  };
}

/** The node's render inputs, or the cluster-wide target; unknown node names are a NOT_FOUND. */
export async function resolveRenderTarget(nodeName?: string | null): Promise<RenderTarget> {
  const configured = await loadConfiguredPanelAddresses();
  if (!nodeName || nodeName === CLUSTER_TARGET) {
    return { nodeName: CLUSTER_TARGET, managementAddresses: [], tags: [], panelAddresses: [...configured].sort(), exposureOverride: null };
  }
  const node = await getDb().node.findUnique({ where: { name: nodeName }, select: RENDER_TARGET_SELECT });
  if (!node) throw new AppError("NOT_FOUND", `No node named ${nodeName}.`);
  return renderTargetOf(node, configured);
}

/** The policy and GeoIP data a render needs, loaded once for any number of nodes. */
export async function loadRenderInputs(): Promise<{ snapshot: Awaited<ReturnType<typeof loadPolicySnapshot>>; geo: GeoIpSource }> {
  const snapshot = await loadPolicySnapshot();
  const geo: GeoIpSource = snapshot.geoip.mode === "OFF" ? emptyGeo : await loadGeoIpDataset(geoIpDatasetDir());
  return { snapshot, geo };
}

/** Renders the current policy for a node (or the cluster); AppError VALIDATION when the stored policy is invalid. */
export async function renderCurrentRuleset(nodeName?: string | null, now = new Date()): Promise<{ target: RenderTarget; rendered: RenderedRuleset }> {
  const [{ snapshot, geo }, target] = await Promise.all([loadRenderInputs(), resolveRenderTarget(nodeName)]);
  const rendered = renderRuleset(snapshot, target, geo, { now });
  return { target, rendered };
}

export async function listRenderTargets(): Promise<string[]> {
  const nodes = await getDb().node.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  return [CLUSTER_TARGET, ...nodes.map((n) => n.name)];
}
