import { apiRoute, readJson } from "@/lib/api/handler";
import { getGeoIpSettings, patchGeoIpSettings, updateGeoIpSettings } from "@/lib/db/queries/settings";
import { assertCompleteBody, geoIpSettingsSchema } from "@/lib/validation/settings";

// GET the GeoIP policy; PUT replaces it (every field required); PATCH changes some fields.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getGeoIpSettings(caller));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(geoIpSettingsSchema, body);
  return updateGeoIpSettings(caller, geoIpSettingsSchema.parse(body));
});

export const PATCH = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => patchGeoIpSettings(caller, await readJson(request)));
