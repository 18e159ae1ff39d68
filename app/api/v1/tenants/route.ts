import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { createTenant, listTenants } from "@/lib/db/queries/tenants";
import { pageQuerySchema, searchParamsObject, tenantCreateSchema } from "@/lib/validation/tenant";

// GET /api/v1/tenants: one page of tenants in name order (a tenant administrator's token sees only its own).
// POST: create a tenant (ADMIN).

export const GET = apiRoute({ permission: "tenants:read" }, async ({ request, caller }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return listTenants(caller, page);
});

export const POST = apiRoute({ permission: "tenants:write" }, async ({ request, caller }) => {
  const input = tenantCreateSchema.parse(await readJson(request));
  const tenant = await createTenant(caller, input);
  return NextResponse.json(tenant, { status: 201, headers: { Location: `/api/v1/tenants/${tenant.id}` } });
});
