import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteUser, getUser, setUserDisabled, updateUser } from "@/lib/db/queries/users";
import { userIdSchema, userUpdateSchema } from "@/lib/validation/auth";

const params = z.object({ id: userIdSchema });

export const GET = apiRoute({ permission: "users:manage", params }, async ({ caller, params }) => getUser(caller, params.id));

/** Partial change of name, role, tenantId, disabled; a role, tenant or disable change ends the user's sessions. */
export const PATCH = apiRoute({ permission: "users:manage", params }, async ({ request, caller, params }) => {
  const changes = userUpdateSchema.parse(await readJson(request));
  const isOnlyDisabledFlag = Object.entries(changes).every(([key, value]) => key === "disabled" || value === undefined);
  // A change of the flag alone is audited as user.disable / user.enable, like the dashboard's buttons.
  if (isOnlyDisabledFlag && changes.disabled !== undefined) await setUserDisabled(caller, params.id, changes.disabled);
  else await updateUser(caller, params.id, changes);
  return getUser(caller, params.id);
});

export const DELETE = apiRoute({ permission: "users:manage", params }, async ({ caller, params }) => {
  await deleteUser(caller, params.id);
  return new NextResponse(null, { status: 204 });
});
