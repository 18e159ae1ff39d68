import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteExtensionLimit, getExtensionLimit, updateExtensionLimit } from "@/lib/db/queries/call-limits";
import { extensionLimitUpdateSchema } from "@/lib/validation/call-limits";

// One extension limit. Limits of other tenants answer 404 to a tenant administrator.

const params = z.object({ id: z.uuid() });

export const GET = apiRoute({ permission: "tenants:read", params }, async ({ caller, params }) => getExtensionLimit(caller, params.id));

/** Partial change of extension, dailyLimit, currency. */
export const PATCH = apiRoute({ permission: "policy:write", params }, async ({ request, caller, params }) => {
  const changes = extensionLimitUpdateSchema.parse(await readJson(request));
  return updateExtensionLimit(caller, params.id, changes);
});

export const DELETE = apiRoute({ permission: "policy:write", params }, async ({ caller, params }) => {
  await deleteExtensionLimit(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
