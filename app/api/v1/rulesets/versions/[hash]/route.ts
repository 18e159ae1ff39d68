import { apiRoute } from "@/lib/api/handler";
import { getRulesetVersion } from "@/lib/db/queries/ruleset-versions";
import { versionPathSchema } from "@/lib/validation/ruleset-versions";

export const dynamic = "force-dynamic";

/** GET /api/v1/rulesets/versions/{hash}: one stored version (hash or unique prefix of at least 8). */
export const GET = apiRoute({ permission: "policy:read", params: versionPathSchema }, async ({ caller, params }) => getRulesetVersion(caller, params.hash));
