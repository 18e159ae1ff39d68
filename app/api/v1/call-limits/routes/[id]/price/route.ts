import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { priceRouteNumber } from "@/lib/db/queries/route-rates";
import { priceQuerySchema } from "@/lib/validation/rates";
import { searchParamsObject } from "@/lib/validation/tenant";

// What a call to a number would cost by the route's rates (?number=&duration=): for pricing and reports only.

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ request, caller, params }) => {
  const query = priceQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return priceRouteNumber(caller, params.id, query.number, query.duration);
});
