import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { getApiToken, revokeApiToken } from "@/lib/db/queries/tokens";
import { tokenIdSchema } from "@/lib/validation/auth";

const params = z.object({ id: tokenIdSchema });

export const GET = apiRoute({ permission: "users:manage", params }, async ({ caller, params }) => getApiToken(caller, params.id));

/** Revokes the token (the record stays, with its revocation time); 409 when it is already revoked. */
export const DELETE = apiRoute({ permission: "users:manage", params }, async ({ caller, params }) => {
  await revokeApiToken(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
