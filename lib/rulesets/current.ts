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
}

/** The node's render inputs, or the cluster-wide target; unknown node names are a NOT_FOUND. */
export async function resolveRenderTarget(nodeName?: string | null): Promise<RenderTarget> {
  if (!nodeName || nodeName === CLUSTER_TARGET) return { nodeName: CLUSTER_TARGET, managementAddresses: [], tags: [] };
  const node = await getDb().node.findUnique({ where: { name: nodeName }, select: { name: true, managementAddress: true, tags: true } });
  if (!node) throw new AppError("NOT_FOUND", `No node named ${nodeName}.`);
  return { nodeName: node.name, managementAddresses: node.managementAddress ? [node.managementAddress] : [], tags: [...node.tags].sort() };
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
