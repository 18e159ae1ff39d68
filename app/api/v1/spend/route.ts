import { apiRoute } from "@/lib/api/handler";
import { getSpendOverview } from "@/lib/db/queries/spend";
import { spendQuerySchema } from "@/lib/validation/spend";

// GET /api/v1/spend?tenantId=: spend today and this month (UTC) per tenant and extension against each limit, and
// per day of this month. Tenant administrators get their own tenant only (another tenant's id answers 404).
export const GET = apiRoute({ permission: "tenants:read" }, async ({ request, caller }) => {
  const query = spendQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return getSpendOverview(caller, query);
});
