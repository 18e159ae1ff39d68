import { apiRoute, readJson } from "@/lib/api/handler";
import { listManagementAccess, replaceManagementAccess } from "@/lib/db/queries/address-entries";
import { managementReplaceSchema } from "@/lib/validation/address-entry";

// The anti-lockout list: networks from which SSH and the PBX web interface stay reachable whatever else is
// configured. GET returns it whole (at most 10,000 entries); PUT replaces it whole.
export const GET = apiRoute({ permission: "policy:read" }, async ({ caller }) => {
  return { items: await listManagementAccess(caller) };
});

export const PUT = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const input = managementReplaceSchema.parse(await readJson(request));
  return replaceManagementAccess(caller, input);
});
