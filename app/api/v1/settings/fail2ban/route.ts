import { apiRoute, readJson } from "@/lib/api/handler";
import { getFail2banSettings, patchFail2banSettings, updateFail2banSettings } from "@/lib/db/queries/settings";
import { assertCompleteBody, fail2banSettingsSchema } from "@/lib/validation/settings";

// GET the fail2ban settings; PUT replaces them (every field required, nested ones too); PATCH changes some
// fields, merging `recidive` one level down. There is no `notify` any more: ban e-mail is the panel's digest
// (/api/v1/settings/notifications), and a body still carrying it is refused with a 422 naming the key.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getFail2banSettings(caller));

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(fail2banSettingsSchema, body);
  return updateFail2banSettings(caller, fail2banSettingsSchema.parse(body));
});

export const PATCH = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => patchFail2banSettings(caller, await readJson(request)));
