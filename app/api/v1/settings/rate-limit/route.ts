import { apiRoute, readJson } from "@/lib/api/handler";
import { getRateLimitSettings, patchRateLimitSettings, updateRateLimitSettings } from "@/lib/db/queries/settings";
import { assertCompleteBody, rateLimitSettingsSchema } from "@/lib/validation/settings";

// GET the SIP rate limits; PUT replaces them (every field required); PATCH changes some fields.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getRateLimitSettings(caller));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(rateLimitSettingsSchema, body);
  return updateRateLimitSettings(caller, rateLimitSettingsSchema.parse(body));
});

export const PATCH = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => patchRateLimitSettings(caller, await readJson(request)));
