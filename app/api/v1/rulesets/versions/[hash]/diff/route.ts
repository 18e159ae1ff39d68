import { apiRoute } from "@/lib/api/handler";
import { diffRulesetVersions } from "@/lib/db/queries/ruleset-versions";
import { versionDiffApiQuerySchema, versionPathSchema } from "@/lib/validation/ruleset-versions";

export const dynamic = "force-dynamic";

/** GET /api/v1/rulesets/versions/{hash}/diff?against=: the lines {hash} adds and removes against `against`. */
export const GET = apiRoute({ permission: "policy:read", params: versionPathSchema }, async ({ request, caller, params }) => {
  const { against } = versionDiffApiQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return diffRulesetVersions(caller, against, params.hash);
});
