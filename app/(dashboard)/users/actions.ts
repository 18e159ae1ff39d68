"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { runAction, toFieldErrors, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { generatePassword } from "@/lib/auth/password-policy";
import { createApiToken, revokeApiToken, updateTokenSettings, type TokenSettings } from "@/lib/db/queries/tokens";
import { createUser, deleteUser, resetUserPasswordById, setUserDisabled, updateUser } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";
import {
  tokenCreateSchema,
  tokenExpiryDaysSchema,
  tokenIdSchema,
  tokenSettingsSchema,
  userCreateSchema,
  userEditFormSchema,
  userIdSchema,
} from "@/lib/validation/auth";

// Server actions of the Users page. Each one checks "users:manage" itself (the page hiding a button is
// not a boundary); the data layer checks it again and writes the audit record with the change.

async function getCaller(): Promise<Caller> {
  const user = await requirePermission("users:manage");
  return callerFromUser(user, getClientIp(await headers()));
}

/** Ids come from the page; a tampered one is answered like an unknown one. */
function parseId(schema: typeof userIdSchema, value: unknown, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("NOT_FOUND", `${what} does not exist.`);
  return parsed.data;
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

/** Creates a user with a generated password, returned once for the administrator to hand over. */
export async function createUserAction(form: FormData): Promise<ActionResult<{ id: string; email: string; password: string }>> {
  return runAction(async () => {
    const caller = await getCaller();
    const role = text(form, "role");
    const input = userCreateSchema.parse({
      email: text(form, "email"),
      name: text(form, "name"),
      role,
      tenantId: role === "TENANT_ADMIN" ? text(form, "tenantId") || null : null,
    });
    const password = generatePassword();
    const user = await createUser(caller, { ...input, password });
    revalidatePath("/users");
    return { id: user.id, email: user.email, password };
  });
}

export async function updateUserAction(id: string, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller();
    const userId = parseId(userIdSchema, id, "The user");
    const role = text(form, "role");
    const input = userEditFormSchema.parse({
      name: text(form, "name") ?? "",
      role,
      tenantId: role === "TENANT_ADMIN" ? text(form, "tenantId") || null : null,
    });
    await updateUser(caller, userId, input);
    revalidatePath("/users");
    revalidatePath(`/users/${userId}`);
    return undefined;
  });
}

export async function setUserDisabledAction(id: string, disabled: boolean): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller();
    const userId = parseId(userIdSchema, id, "The user");
    await setUserDisabled(caller, userId, disabled === true);
    revalidatePath("/users");
    revalidatePath(`/users/${userId}`);
    return undefined;
  });
}

/** A new generated password, returned once; every session of the user ends. */
export async function resetUserPasswordAction(id: string): Promise<ActionResult<{ password: string }>> {
  return runAction(async () => {
    const caller = await getCaller();
    const userId = parseId(userIdSchema, id, "The user");
    const password = generatePassword();
    await resetUserPasswordById(caller, userId, password);
    revalidatePath(`/users/${userId}`);
    return { password };
  });
}

export async function deleteUserAction(id: string): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller();
    const userId = parseId(userIdSchema, id, "The user");
    await deleteUser(caller, userId);
    revalidatePath("/users");
    return undefined;
  });
}

/** Creates an API token; the secret is returned once and never stored. */
export async function createTokenAction(form: FormData): Promise<ActionResult<{ name: string; token: string }>> {
  return runAction(async () => {
    const caller = await getCaller();
    const role = text(form, "role");
    const days = tokenExpiryDaysSchema.safeParse(text(form, "expiresInDays") ?? "");
    const parsed = tokenCreateSchema.safeParse({
      name: text(form, "name") ?? "",
      role,
      tenantId: role === "TENANT_ADMIN" ? text(form, "tenantId") || null : null,
      // No choice: the data layer gives the token the administrator's lifetime.
      expiresAt: days.success && days.data !== null ? new Date(Date.now() + days.data * 86_400_000).toISOString() : null,
    });
    if (!parsed.success || !days.success) {
      const fieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
      if (!days.success) fieldErrors.expiresInDays = ["Choose when the token expires."];
      throw new AppError("VALIDATION", "Check the highlighted fields.", fieldErrors);
    }
    const input = parsed.data;
    const created = await createApiToken(caller, input);
    revalidatePath("/users");
    return { name: input.name, token: created.token };
  });
}

export async function revokeTokenAction(id: string): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await getCaller();
    const tokenId = parseId(tokenIdSchema, id, "The API token");
    await revokeApiToken(caller, tokenId);
    revalidatePath("/users");
    return undefined;
  });
}

/** Sets the longest life of new API tokens (also their default expiry). */
export async function updateTokenSettingsAction(form: FormData): Promise<ActionResult<TokenSettings>> {
  return runAction(async () => {
    const caller = await getCaller();
    const raw = text(form, "lifetimeDays")?.trim() ?? "";
    const input = tokenSettingsSchema.parse({ lifetimeDays: raw === "" ? Number.NaN : Number(raw) });
    const saved = await updateTokenSettings(caller, input);
    revalidatePath("/users");
    return saved;
  });
}
