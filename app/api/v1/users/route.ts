import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/handler";
import { generatePassword } from "@/lib/auth/password-policy";
import { createUser, getUser, listUsers } from "@/lib/db/queries/users";
import { userCreateSchema, userListQuerySchema } from "@/lib/validation/auth";

// GET /api/v1/users: one page of users in e-mail order (optionally `search`ed). POST: create a user with a generated password,
// returned once in `initialPassword` (never stored in clear, never shown again).

export const GET = apiRoute({ permission: "users:manage" }, async ({ request, caller }) => {
  const page = userListQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return listUsers(caller, page);
});

export const POST = apiRoute({ permission: "users:manage" }, async ({ request, caller }) => {
  const input = userCreateSchema.parse(await readJson(request));
  const initialPassword = generatePassword();
  const created = await createUser(caller, { ...input, password: initialPassword });
  const user = await getUser(caller, created.id);
  return NextResponse.json(
    { ...user, initialPassword },
    { status: 201, headers: { Location: `/api/v1/users/${user.id}`, "Cache-Control": "no-store" } },
  );
});
