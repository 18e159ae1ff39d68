import { apiRoute, readJson } from "@/lib/api/handler";
import { readAutoWhitelistSettings, updateAutoWhitelistSettings } from "@/lib/db/queries/auto-whitelist";
import { autoWhitelistSettingsSchema } from "@/lib/validation/settings";

// GET whether successful registrations become SIP-scoped whitelist entries, and their time to live; PUT changes
// either or both (ADMIN: it decides who is trusted).

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => readAutoWhitelistSettings(caller));

export const PUT = apiRoute({ permission: "settings:manage" }, async ({ request, caller }) =>
  updateAutoWhitelistSettings(caller, autoWhitelistSettingsSchema.parse(await readJson(request))),
);
