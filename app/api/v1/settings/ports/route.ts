import { apiRoute, readJson } from "@/lib/api/handler";
import { getPortsSettings, patchPortsSettings, updatePortsSettings } from "@/lib/db/queries/settings";
import { assertCompleteBody, portsSettingsSchema } from "@/lib/validation/settings";

// GET the SSH and web ports; PUT replaces both lists; PATCH replaces one.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getPortsSettings(caller));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(portsSettingsSchema, body);
  return updatePortsSettings(caller, portsSettingsSchema.parse(body));
});

export const PATCH = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => patchPortsSettings(caller, await readJson(request)));
