import { apiRoute } from "@/lib/api/handler";
import { listTenantLimitOverview } from "@/lib/db/queries/call-limits";
import { pageQuerySchema, searchParamsObject } from "@/lib/validation/tenant";

// GET /api/v1/call-limits/tenants: every tenant (the caller may see) with its daily and monthly ceilings.

export const GET = apiRoute({ permission: "tenants:read" }, async ({ request, caller }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return listTenantLimitOverview(caller, page);
});
