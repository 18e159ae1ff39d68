import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteTenant, getTenant, updateTenant } from "@/lib/db/queries/tenants";
import { tenantIdSchema, tenantUpdateSchema } from "@/lib/validation/tenant";

// One tenant. Ids of other tenants answer 404 to a tenant administrator, exactly like unknown ids.

const params = z.object({ id: tenantIdSchema });

export const GET = apiRoute({ permission: "tenants:read", params }, async ({ caller, params }) => getTenant(caller, params.id));

/** Partial change of name, description, autoWhitelistRestrictions (ADMIN). */
export const PATCH = apiRoute({ permission: "tenants:write", params }, async ({ request, caller, params }) => {
  const changes = tenantUpdateSchema.parse(await readJson(request));
  await updateTenant(caller, params.id, changes);
  return getTenant(caller, params.id);
});

/** Deletes the tenant with its restrictions, call limits and API tokens; 409 while users belong to it. */
export const DELETE = apiRoute({ permission: "tenants:write", params }, async ({ caller, params }) => {
  await deleteTenant(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
