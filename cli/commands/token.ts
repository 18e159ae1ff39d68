import { z } from "zod";
import { createApiToken } from "@/lib/db/queries/tokens";
import { tokenCreateSchema } from "@/lib/validation/auth";
import { getCliActor, UsageError, withDatabase } from "../context";
import { formatZodError } from "../format";
import { resolveTenantId } from "./user";
import { safeText } from "@/lib/validation/text";

export async function tokenCreate(values: Record<string, string | undefined>): Promise<void> {
  const args = z.object({ name: safeText(), role: safeText(), tenant: safeText().optional(), "expires-at": safeText().optional() }).safeParse(values);
  if (!args.success) throw new UsageError("usage: token create --name NAME --role ROLE [--tenant TENANT] [--expires-at ISO-DATE]");
  await withDatabase(async () => {
    const tenantId = await resolveTenantId(args.data.tenant);
    const parsed = tokenCreateSchema.safeParse({ name: args.data.name, role: args.data.role, tenantId, expiresAt: args.data["expires-at"] });
    if (!parsed.success) throw new UsageError(formatZodError(parsed.error));
    const created = await createApiToken(getCliActor(), parsed.data);
    console.log(`created API token ${parsed.data.name} (${parsed.data.role}); it is shown only this once:`);
    console.log(created.token);
  });
}
