import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { createApiToken } from "@/lib/db/queries/tokens";
import { tokenCreateSchema } from "@/lib/validation/auth";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { resolveTenantId } from "./user";
import { safeText } from "@/lib/validation/text";

export async function tokenCreate(values: Record<string, string | undefined>): Promise<void> {
  const args = z
    .object({ name: safeText(), role: safeText(), tenant: safeText().optional(), "expires-at": safeText().optional(), owner: safeText().optional() })
    .safeParse(values);
  if (!args.success) throw new UsageError("usage: token create --name NAME --role ROLE [--tenant TENANT] [--expires-at ISO-DATE] [--owner EMAIL]");
  await withDatabase(async () => {
    const tenantId = await resolveTenantId(args.data.tenant);
    const parsed = tokenCreateSchema.safeParse({ name: args.data.name, role: args.data.role, tenantId, expiresAt: args.data["expires-at"] });
    if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
    const ownerId = await resolveOwnerId(args.data.owner);
    const created = await createApiToken(getCliActor(), { ...parsed.data, ownerId });
    console.log(`created API token ${parsed.data.name} (${parsed.data.role}); it is shown only this once:`);
    console.log(created.token);
  });
}

/** --owner: the user the token belongs to (revoked with them); without it the token belongs to no user. */
async function resolveOwnerId(email: string | undefined): Promise<string | null> {
  if (email === undefined) return null;
  const user = await getDb().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, disabled: true } });
  if (!user) throw new UsageError(`No user with the e-mail ${email}.`);
  if (user.disabled) throw new UsageError(`${email} is disabled: a token of theirs would be refused.`);
  return user.id;
}
