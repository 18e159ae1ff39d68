import { apiRoute, readJson } from "@/lib/api/handler";
import { getAbuseDetection, setAbuseDetection } from "@/lib/db/queries/call-limits";
import { abuseDetectionSchema } from "@/lib/validation/call-limits";

// Abuse detection: more than maxCallsSameNumber calls to one international number within windowSeconds
// blocks the calling extension.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getAbuseDetection(caller));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const input = abuseDetectionSchema.parse(await readJson(request));
  return setAbuseDetection(caller, input);
});
