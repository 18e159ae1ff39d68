import { apiRoute, readJson } from "@/lib/api/handler";
import { getExposure, updateExposure } from "@/lib/db/queries/exposure";
import { exposureSchema } from "@/lib/validation/exposure";
import { assertCompleteBody } from "@/lib/validation/settings";

// GET the cluster's exposure policy (who reaches which service of every node); PUT replaces it (ADMIN only:
// it decides which ports of every node the Internet reaches).

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getExposure(caller));

export const PUT = apiRoute({ permission: "settings:manage" }, async ({ request, caller }) => {
  const body = await readJson(request, 64 * 1024);
  assertCompleteBody(exposureSchema, body);
  return updateExposure(caller, body);
});
