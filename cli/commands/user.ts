import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { createUser, resetUserPassword } from "@/lib/db/queries/users";
import { generatePassword } from "@/lib/auth/password-policy";
import { emailSchema, roleSchema } from "@/lib/validation/auth";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { safeText } from "@/lib/validation/text";

const createArgs = z.object({ email: emailSchema, role: roleSchema, tenant: safeText().min(1).optional(), name: safeText().max(120).optional() });

/** Finds a tenant by id or by exact name. */
export async function resolveTenantId(ref: string | undefined): Promise<string | null> {
  if (!ref) return null;
  const isUuid = z.uuid().safeParse(ref).success;
  const tenant = await getDb().tenant.findFirst({ where: isUuid ? { id: ref } : { name: ref }, select: { id: true } });
  if (!tenant) throw new UsageError(`No tenant with the id or name "${ref}".`);
  return tenant.id;
}

export async function userCreate(values: Record<string, string | undefined>): Promise<void> {
  const parsed = createArgs.safeParse(values);
  if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
  const { email, role, tenant, name } = parsed.data;
  if ((role === "TENANT_ADMIN") !== Boolean(tenant)) {
    throw new UsageError("--tenant is required for TENANT_ADMIN and not allowed for other roles.");
  }
  await withDatabase(async () => {
    const password = generatePassword();
    const user = await createUser(getCliActor(), { email, role, name, tenantId: await resolveTenantId(tenant), password });
    console.log(`created ${user.role} ${user.email}; initial password (shown once):`);
    console.log(password);
  });
}

export async function userResetPassword(values: Record<string, string | undefined>): Promise<void> {
  const parsed = z.object({ email: emailSchema }).safeParse(values);
  if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
  await withDatabase(async () => {
    const password = generatePassword();
    await resetUserPassword(getCliActor(), parsed.data.email, password);
    console.log(`new password for ${parsed.data.email} (shown once; every session of this user was ended):`);
    console.log(password);
  });
}
