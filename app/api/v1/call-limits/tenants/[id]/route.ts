import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteTenantCallLimit, getTenantCallLimit, setTenantCallLimit } from "@/lib/db/queries/call-limits";
import { tenantCallLimitSchema } from "@/lib/validation/call-limits";
import { tenantIdSchema } from "@/lib/validation/tenant";

// A tenant's daily and monthly call-cost ceilings. Reading is scoped to the caller's tenant; writing needs
// policy:write. Amounts are decimal strings ("12.50"), never JSON numbers.

const params = z.object({ id: tenantIdSchema });

export const GET = apiRoute({ permission: "tenants:read", params }, async ({ caller, params }) => {
  const limit = await getTenantCallLimit(caller, params.id);
  return limit ?? { tenantId: params.id, dailyLimit: null, monthlyLimit: null, currency: null, updatedAt: null };
});

/** Replaces the ceilings; a null (or absent) limit means none. */
export const PUT = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params }) => {
  const input = tenantCallLimitSchema.parse(await readJson(request));
  return setTenantCallLimit(caller, params.id, input);
});

export const DELETE = apiRoute({ permission: "policy:write", params }, async ({ caller, params }) => {
  await deleteTenantCallLimit(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
