import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteRouteCostLimit, getRouteCostLimit, updateRouteCostLimit } from "@/lib/db/queries/call-limits";
import { routeCostLimitUpdateSchema } from "@/lib/validation/call-limits";

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "policy:read", params }, async ({ caller, params }) => getRouteCostLimit(caller, params.id));

/** Partial change of name, prefix, maxCostPerMinute, currency. */
export const PATCH = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params }) => {
  const changes = routeCostLimitUpdateSchema.parse(await readJson(request));
  return updateRouteCostLimit(caller, params.id, changes);
});

export const DELETE = apiRoute({ permission: "policy:write", params }, async ({ caller, params }) => {
  await deleteRouteCostLimit(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
