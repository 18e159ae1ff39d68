import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { listRouteRates } from "@/lib/db/queries/route-rates";
import { RATES_ENFORCEMENT } from "@/lib/validation/rates";
import { pageQuerySchema, searchParamsObject } from "@/lib/validation/tenant";

// A route's rate table, in prefix order: it prices calls for reports and for the call guard.

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ request, caller, params }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return { ...(await listRouteRates(caller, params.id, page)), enforcement: RATES_ENFORCEMENT };
});
