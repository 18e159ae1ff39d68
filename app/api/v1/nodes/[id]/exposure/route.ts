import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { getNodeExposureOverride, setNodeExposureOverride } from "@/lib/db/queries/exposure";
import { nodeIdSchema } from "@/lib/validation/node";

const params = z.object({ id: nodeIdSchema });

/** The node's override of the exposure policy, its effective policy and what it will expose, in words. */
export const GET = apiRoute({ permission: "nodes:read", params }, async ({ caller, params }) => getNodeExposureOverride(caller, params.id));

/** Replaces the node's override (any subset of the policy's fields; `{}` clears it). ADMIN only. */
export const PUT = apiRoute({ permission: "settings:manage", params }, async ({ request, caller, params }) =>
  setNodeExposureOverride(caller, params.id, await readJson(request, 64 * 1024)),
);

/** Clears the override: the node follows the cluster's policy again. ADMIN only. */
export const DELETE = apiRoute({ permission: "settings:manage", params }, async ({ caller, params }) => {
  await setNodeExposureOverride(caller, params.id, null);
  return new NextResponse(null, { status: 204 });
});
