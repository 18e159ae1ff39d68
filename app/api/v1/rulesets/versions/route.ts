import { apiRoute } from "@/lib/api/handler";
import { listRulesetVersions } from "@/lib/db/queries/ruleset-versions";
import { versionListApiQuerySchema } from "@/lib/validation/ruleset-versions";

export const dynamic = "force-dynamic";

/** GET /api/v1/rulesets/versions?limit=&cursor=: stored versions newest first; `nextCursor` pages to older ones. */
export const GET = apiRoute({ permission: "policy:read" }, async ({ request, caller }) => {
  const query = versionListApiQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listRulesetVersions(caller, query);
});
