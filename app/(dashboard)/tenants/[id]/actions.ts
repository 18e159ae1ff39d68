"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import type { Permission } from "@/lib/auth/permissions";
import {
  createExtensionLimit,
  deleteExtensionLimit,
  deleteTenantCallLimit,
  setTenantCallLimit,
  updateExtensionLimit,
} from "@/lib/db/queries/call-limits";
import { approveTenantNetwork, deleteTenant, rejectTenantNetwork, updateTenant, type TenantDeletion } from "@/lib/db/queries/tenants";
import { AppError } from "@/lib/errors";
import { extensionLimitCreateSchema, tenantCallLimitSchema } from "@/lib/validation/call-limits";
import { formCheckbox, formText, tenantUpdateSchema } from "@/lib/validation/tenant";

// Actions of the tenant detail page, all (previous result, form data). The tenant or limit id comes from the form
// and is untrusted: the data layer checks permission and tenant scope against it.

async function callerWith(permission: Permission): Promise<Caller> {
  const user = await requirePermission(permission);
  return callerFromUser(user, getClientIp(await headers()));
}

/** An id from the form; anything that is not a UUID is answered like an unknown id. */
function idFrom(formData: FormData, name: "tenantId" | "id"): string {
  const parsed = z.uuid().safeParse(formText(formData, name));
  if (!parsed.success) throw new AppError("NOT_FOUND", name === "tenantId" ? "The tenant does not exist." : "The extension limit does not exist.");
  return parsed.data;
}

function revalidateTenant(tenantId: string): void {
  revalidatePath(`/tenants/${tenantId}`);
  revalidatePath("/tenants");
  revalidatePath("/call-limits");
}

export async function updateTenantAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("tenants:write");
    const tenantId = idFrom(formData, "tenantId");
    const changes = tenantUpdateSchema.parse({
      name: formText(formData, "name"),
      description: formText(formData, "description") ?? "",
      autoWhitelistRestrictions: formCheckbox(formData, "autoWhitelistRestrictions"),
      // An emptied field clears the code.
      accountCode: formText(formData, "accountCode") ?? "",
    });
    await updateTenant(caller, tenantId, changes);
    revalidateTenant(tenantId);
    return undefined;
  });
}

export async function deleteTenantAction(_previous: ActionResult<TenantDeletion> | null, formData: FormData): Promise<ActionResult<TenantDeletion>> {
  return runAction(async () => {
    const caller = await callerWith("tenants:write");
    const tenantId = idFrom(formData, "tenantId");
    const deletion = await deleteTenant(caller, tenantId);
    revalidatePath("/tenants");
    revalidatePath("/call-limits");
    return deletion;
  });
}

export async function setTenantCallLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("policy:write");
    const tenantId = idFrom(formData, "tenantId");
    const input = tenantCallLimitSchema.parse({
      dailyLimit: formText(formData, "dailyLimit"),
      monthlyLimit: formText(formData, "monthlyLimit"),
      currency: formText(formData, "currency"),
    });
    await setTenantCallLimit(caller, tenantId, input);
    revalidateTenant(tenantId);
    return undefined;
  });
}

export async function removeTenantCallLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("policy:write");
    const tenantId = idFrom(formData, "tenantId");
    await deleteTenantCallLimit(caller, tenantId);
    revalidateTenant(tenantId);
    return undefined;
  });
}

export async function createExtensionLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("policy:write");
    const tenantId = idFrom(formData, "tenantId");
    const input = extensionLimitCreateSchema.parse({
      extension: formText(formData, "extension"),
      dailyLimit: formText(formData, "dailyLimit"),
      currency: formText(formData, "currency"),
    });
    await createExtensionLimit(caller, tenantId, input);
    revalidateTenant(tenantId);
    return undefined;
  });
}

export async function updateExtensionLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("policy:write");
    const id = idFrom(formData, "id");
    // The form sends every field: a full replacement, validated like a new limit.
    const input = extensionLimitCreateSchema.parse({
      extension: formText(formData, "extension"),
      dailyLimit: formText(formData, "dailyLimit"),
      currency: formText(formData, "currency"),
    });
    const limit = await updateExtensionLimit(caller, id, input);
    revalidateTenant(limit.tenantId);
    return undefined;
  });
}

export async function deleteExtensionLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await callerWith("policy:write");
    const id = idFrom(formData, "id");
    const limit = await deleteExtensionLimit(caller, id);
    revalidateTenant(limit.tenantId);
    return undefined;
  });
}

/** An administrator approves a pending tenant network: it is rendered from the next push on. */
export async function approveTenantNetworkAction(_previous: ActionResult<{ network: string }> | null, formData: FormData): Promise<ActionResult<{ network: string }>> {
  return decideTenantNetwork(formData, approveTenantNetwork);
}

/** An administrator rejects (deletes) a pending tenant network. */
export async function rejectTenantNetworkAction(_previous: ActionResult<{ network: string }> | null, formData: FormData): Promise<ActionResult<{ network: string }>> {
  return decideTenantNetwork(formData, rejectTenantNetwork);
}

async function decideTenantNetwork(
  formData: FormData,
  decide: (caller: Caller, tenantId: string, ref: { id: string }) => Promise<{ id: string; network: string }>,
): Promise<ActionResult<{ network: string }>> {
  return runAction(async () => {
    const caller = await callerWith("tenants:write");
    const tenantId = idFrom(formData, "tenantId");
    const entryId = z.uuid().safeParse(formText(formData, "pendingEntryId"));
    if (!entryId.success) throw new AppError("NOT_FOUND", "The network does not exist.");
    const decided = await decide(caller, tenantId, { id: entryId.data });
    revalidatePath(`/tenants/${tenantId}/restrictions`);
    revalidateTenant(tenantId);
    return { network: decided.network };
  });
}
