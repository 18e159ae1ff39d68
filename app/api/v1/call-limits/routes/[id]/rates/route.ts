import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { listRouteRates } from "@/lib/db/queries/route-rates";
import { RATES_NOT_ENFORCED } from "@/lib/validation/rates";
import { pageQuerySchema, searchParamsObject } from "@/lib/validation/tenant";

// A route's rate table, in prefix order: for pricing calls and reports, enforced by nothing yet.

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ request, caller, params }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return { ...(await listRouteRates(caller, params.id, page)), notEnforced: RATES_NOT_ENFORCED };
});
