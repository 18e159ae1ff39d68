"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { setCallGuardSettings } from "@/lib/db/queries/call-guard-settings";
import { createRouteCostLimit, deleteRouteCostLimit, setAbuseDetection, updateRouteCostLimit } from "@/lib/db/queries/call-limits";
import { AppError } from "@/lib/errors";
import { callGuardSettingsSchema } from "@/lib/validation/call-guard";
import { abuseDetectionSchema, formInteger, routeCostLimitCreateSchema } from "@/lib/validation/call-limits";
import { formCheckbox, formText } from "@/lib/validation/tenant";

// Actions of the call-limits page, all (previous result, form data) and all policy:write but the call guard's
// settings (settings:manage, administrators only); the data layer checks again.

async function policyWriter(): Promise<Caller> {
  const user = await requirePermission("policy:write");
  return callerFromUser(user, getClientIp(await headers()));
}

function routeIdFrom(formData: FormData): string {
  const parsed = z.uuid().safeParse(formText(formData, "id"));
  if (!parsed.success) throw new AppError("NOT_FOUND", "The route cost limit does not exist.");
  return parsed.data;
}

function routeInput(formData: FormData) {
  return routeCostLimitCreateSchema.parse({
    name: formText(formData, "name"),
    prefix: formText(formData, "prefix"),
    maxCostPerMinute: formText(formData, "maxCostPerMinute"),
    currency: formText(formData, "currency"),
  });
}

export async function createRouteCostLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await policyWriter();
    await createRouteCostLimit(caller, routeInput(formData));
    revalidatePath("/call-limits");
    return undefined;
  });
}

export async function updateRouteCostLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await policyWriter();
    const id = routeIdFrom(formData);
    await updateRouteCostLimit(caller, id, routeInput(formData));
    revalidatePath("/call-limits");
    return undefined;
  });
}

export async function deleteRouteCostLimitAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await policyWriter();
    await deleteRouteCostLimit(caller, routeIdFrom(formData));
    revalidatePath("/call-limits");
    return undefined;
  });
}

export async function saveAbuseDetectionAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await policyWriter();
    const input = abuseDetectionSchema.parse({
      enabled: formCheckbox(formData, "enabled"),
      maxCallsSameNumber: formInteger(formData.get("maxCallsSameNumber")),
      // An emptied field is a mistake to point out, not a request for the 300 s default.
      windowSeconds: formInteger(formData.get("windowSeconds")) ?? "",
    });
    await setAbuseDetection(caller, input);
    revalidatePath("/call-limits");
    return undefined;
  });
}

/** The call guard's settings (administrators only): every field, as the form always sends them all. */
export async function saveCallGuardSettingsAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requirePermission("settings:manage");
    const input = callGuardSettingsSchema.parse({
      enabled: formCheckbox(formData, "enabled"),
      // No radio chosen reads as "", which the schema names as the field's mistake.
      offlineMode: formText(formData, "offlineMode") ?? "",
      // An emptied field is a mistake to point out, not a request for a default.
      maxCallSeconds: formInteger(formData.get("maxCallSeconds")) ?? "",
      staleAfterSeconds: formInteger(formData.get("staleAfterSeconds")) ?? "",
    });
    await setCallGuardSettings(callerFromUser(user, getClientIp(await headers())), input);
    revalidatePath("/call-limits");
    return undefined;
  });
}
