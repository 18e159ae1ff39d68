import { apiRoute, readJson } from "@/lib/api/handler";
import { getTokenSettings, updateTokenSettings } from "@/lib/db/queries/tokens";
import { tokenSettingsSchema } from "@/lib/validation/auth";

// GET the API token lifetime (days); PUT sets it for tokens created from now on.

export const GET = apiRoute({ permission: "users:manage" }, async ({ caller }) => getTokenSettings(caller));

export const PUT = apiRoute({ permission: "users:manage" }, async ({ request, caller }) =>
  updateTokenSettings(caller, tokenSettingsSchema.parse(await readJson(request))),
);
