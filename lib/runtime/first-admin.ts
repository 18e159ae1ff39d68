import { countUsers, createUser } from "@/lib/db/queries/users";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { generatePassword } from "@/lib/auth/password-policy";
import { emailSchema, passwordSchema } from "@/lib/validation/auth";

export interface FirstAdminResult {
  email: string;
  generatedPassword: string | null;
}

/**
 * Creates the first administrator when the database has no users: from RAMPART_ADMIN_EMAIL /
 * RAMPART_ADMIN_PASSWORD, or with a generated password that the caller prints once.
 */
export async function ensureFirstAdmin(configured: { email?: string; password?: string }): Promise<FirstAdminResult | null> {
  if ((await countUsers()) > 0) return null;
  const email = emailSchema.parse(configured.email ?? "admin@rampart.local");
  const password = configured.password ? passwordSchema.parse(configured.password) : generatePassword();
  await createUser(SYSTEM_ACTOR, { email, name: "Administrator", role: "ADMIN", password });
  return { email, generatedPassword: configured.password ? null : password };
}
