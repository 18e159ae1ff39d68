import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { generatePassword } from "@/lib/auth/password-policy";
import { resetUserPasswordById } from "@/lib/db/queries/users";
import { userIdSchema } from "@/lib/validation/auth";

/** POST: a new generated password, returned once; every session of the user ends. */
export const POST = apiRoute({ permission: "users:manage", params: z.object({ id: userIdSchema }) }, async ({ caller, params }) => {
  const password = generatePassword();
  const user = await resetUserPasswordById(caller, params.id, password);
  return NextResponse.json({ id: user.id, email: user.email, password }, { headers: { "Cache-Control": "no-store" } });
});
