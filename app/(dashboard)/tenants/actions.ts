"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { createTenant, updateTenantNetworkSettings } from "@/lib/db/queries/tenants";
import { tenantNetworkSettingsFormSchema, type TenantNetworkSettings } from "@/lib/validation/settings";
import { formCheckbox, formText, tenantCreateSchema } from "@/lib/validation/tenant";

// Every action has the useActionState shape (previous result, form data), ids travel in the form, and the data
// layer checks permission and tenant scope again: hiding a button is never the check.

export async function createTenantAction(
  _previous: ActionResult<{ id: string; name: string }> | null,
  formData: FormData,
): Promise<ActionResult<{ id: string; name: string }>> {
  return runAction(async () => {
    const user = await requirePermission("tenants:write");
    const input = tenantCreateSchema.parse({
      name: formText(formData, "name"),
      description: formText(formData, "description") ?? "",
      autoWhitelistRestrictions: formCheckbox(formData, "autoWhitelistRestrictions"),
      // An emptied field clears the code.
      accountCode: formText(formData, "accountCode") ?? "",
    });
    const tenant = await createTenant(callerFromUser(user, getClientIp(await headers())), input);
    revalidatePath("/tenants");
    revalidatePath("/call-limits");
    return { id: tenant.id, name: tenant.name };
  });
}

/** The minimum prefixes of tenant administrators' networks (administrators only). */
export async function updateTenantNetworkSettingsAction(
  _previous: ActionResult<TenantNetworkSettings> | null,
  formData: FormData,
): Promise<ActionResult<TenantNetworkSettings>> {
  return runAction(async () => {
    const user = await requirePermission("tenants:write");
    const input = tenantNetworkSettingsFormSchema.parse({ minPrefix4: formText(formData, "minPrefix4"), minPrefix6: formText(formData, "minPrefix6") });
    const saved = await updateTenantNetworkSettings(callerFromUser(user, getClientIp(await headers())), input);
    revalidatePath("/tenants");
    return saved;
  });
}
