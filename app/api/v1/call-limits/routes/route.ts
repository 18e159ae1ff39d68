import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { createRouteCostLimit, listRouteCostLimits } from "@/lib/db/queries/call-limits";
import { routeCostLimitCreateSchema } from "@/lib/validation/call-limits";
import { pageQuerySchema, searchParamsObject } from "@/lib/validation/tenant";

// Route cost ceilings (maximum cost per minute of calls to a dialled prefix), platform-wide.

export const GET = apiRoute({ permission: "policy:read" }, async ({ request, caller }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return listRouteCostLimits(caller, page);
});

export const POST = apiRoute({ permission: "policy:write" }, async ({ request, caller }) => {
  const input = routeCostLimitCreateSchema.parse(await readJson(request));
  const route = await createRouteCostLimit(caller, input);
  return NextResponse.json(route, { status: 201, headers: { Location: `/api/v1/call-limits/routes/${route.id}` } });
});
