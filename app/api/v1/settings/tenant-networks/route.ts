import { apiRoute, readJson } from "@/lib/api/handler";
import { getTenantNetworkSettings, updateTenantNetworkSettings } from "@/lib/db/queries/tenants";
import { assertCompleteBody, tenantNetworkSettingsSchema } from "@/lib/validation/settings";

// The shortest IPv4 and IPv6 prefix a tenant administrator may store as a tenant network. Anyone who may read
// tenants may read it (tenant administrators see the rule they are held to); only administrators change it.

export const GET = apiRoute({ permission: "tenants:read" }, async ({ caller }) => getTenantNetworkSettings(caller));

export const PUT = apiRoute({ permission: "tenants:write" }, async ({ request, caller }) => {
  const body = await readJson(request);
  assertCompleteBody(tenantNetworkSettingsSchema, body);
  return updateTenantNetworkSettings(caller, tenantNetworkSettingsSchema.parse(body));
});
