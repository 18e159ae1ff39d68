import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { createApiToken, getApiToken, listApiTokens } from "@/lib/db/queries/tokens";
import { listQuerySchema, tokenCreateSchema } from "@/lib/validation/auth";

// GET /api/v1/tokens: one page of API tokens, newest first (never the secrets). POST: create a token; the
// secret is in the answer's `token` field and nowhere else, ever.

export const GET = apiRoute({ permission: "users:manage" }, async ({ request, caller }) => {
  const page = listQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listApiTokens(caller, page);
});

export const POST = apiRoute({ permission: "users:manage" }, async ({ request, caller }) => {
  const input = tokenCreateSchema.parse(await readJson(request));
  const created = await createApiToken(caller, input);
  const view = await getApiToken(caller, created.id);
  return NextResponse.json(
    { ...view, token: created.token },
    { status: 201, headers: { Location: `/api/v1/tokens/${created.id}`, "Cache-Control": "no-store" } },
  );
});
