import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { CLUSTER_TARGET } from "./current";

// Stored ruleset versions keep their artefacts as gzip-compressed JSON (path → content).

const artefactsSchema = z.record(z.string(), z.string());

export function encodeArtefacts(files: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]!]));
  return gzipSync(JSON.stringify(sorted));
}

export function decodeArtefacts(bytes: Uint8Array): Record<string, string> {
  return artefactsSchema.parse(JSON.parse(gunzipSync(bytes).toString("utf8")));
}

export interface DeployedVersion {
  hash: string;
  createdAt: Date;
  deployedAt: Date;
  files: Record<string, string>;
}

/** The version last confirmed on the node (for the cluster target: on any node), or null. */
export async function loadLastDeployed(nodeName: string): Promise<DeployedVersion | null> {
  const deployment = await getDb().deployment.findFirst({
    where: { state: "CONFIRMED", ...(nodeName === CLUSTER_TARGET ? {} : { node: { name: nodeName } }) },
    orderBy: { finishedAt: "desc" },
    include: { ruleset: true },
  });
  if (!deployment) return null;
  return {
    hash: deployment.ruleset.hash,
    createdAt: deployment.ruleset.createdAt,
    deployedAt: deployment.finishedAt ?? deployment.updatedAt,
    files: decodeArtefacts(deployment.ruleset.artefacts),
  };
}
