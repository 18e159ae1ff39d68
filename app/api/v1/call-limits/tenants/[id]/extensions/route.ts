import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { createExtensionLimit, listExtensionLimits } from "@/lib/db/queries/call-limits";
import { extensionLimitCreateSchema } from "@/lib/validation/call-limits";
import { pageQuerySchema, searchParamsObject, tenantIdSchema } from "@/lib/validation/tenant";

// A tenant's per-extension daily cost limits: list (scoped to the caller's tenant) and create (policy:write).

const params = z.object({ id: tenantIdSchema });

export const GET = apiRoute({ permission: "tenants:read", params }, async ({ request, caller, params }) => {
  const page = pageQuerySchema.parse(searchParamsObject(request.nextUrl.searchParams));
  return listExtensionLimits(caller, params.id, page);
});

export const POST = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params }) => {
  const input = extensionLimitCreateSchema.parse(await readJson(request));
  const limit = await createExtensionLimit(caller, params.id, input);
  return NextResponse.json(limit, { status: 201, headers: { Location: `/api/v1/call-limits/extensions/${limit.id}` } });
});
