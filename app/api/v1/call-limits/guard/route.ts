import { apiRoute, readJson } from "@/lib/api/handler";
import { getCallGuardStatus, setCallGuardSettings } from "@/lib/db/queries/call-guard-settings";
import { callGuardSettingsSchema } from "@/lib/validation/call-guard";

// The call guard's settings: whether the nodes enforce the call limits, the behaviour while the panel is
// unreachable, the longest call and when the panel counts as unreachable. Read with policy:read; replaced whole
// by administrators only (settings:manage). Both answer with the stored limits the guard cannot enforce. The nodes
// get the settings with the next push.

export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => getCallGuardStatus(caller));

export const PUT = apiRoute({ permission: "settings:manage" }, async ({ request, caller }) => {
  const input = callGuardSettingsSchema.parse(await readJson(request));
  await setCallGuardSettings(caller, input);
  return getCallGuardStatus(caller);
});
