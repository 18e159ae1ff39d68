"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";

import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { setNodeExposureOverride, setPanelAddresses, updateExposure } from "@/lib/db/queries/exposure";
import { AppError } from "@/lib/errors";

import { exposureFromForm, overrideFromForm } from "./form-data";

// Actions of the Exposure page and the node page's exposure card, all (previous result, form data) and all
// ADMIN-only ("settings:manage"); the data layer checks again, validates and audits.

async function administrator(): Promise<Caller> {
  const user = await requirePermission("settings:manage");
  return callerFromUser(user, getClientIp(await headers()));
}

function nodeIdFrom(formData: FormData): string {
  const parsed = z.uuid().safeParse(formData.get("nodeId"));
  if (!parsed.success) throw new AppError("NOT_FOUND", "The node does not exist.");
  return parsed.data;
}

function revalidateExposure(nodeName?: string) {
  revalidatePath("/firewall/exposure");
  if (nodeName !== undefined) revalidatePath(`/nodes/${encodeURIComponent(nodeName)}`);
}

export async function saveExposureAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await updateExposure(await administrator(), exposureFromForm(formData));
    revalidateExposure();
    return undefined;
  });
}

export async function saveNodeExposureOverrideAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await administrator();
    const view = await setNodeExposureOverride(caller, nodeIdFrom(formData), overrideFromForm(formData));
    revalidateExposure(view.nodeName);
    return undefined;
  });
}

export async function clearNodeExposureOverrideAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await administrator();
    const view = await setNodeExposureOverride(caller, nodeIdFrom(formData), null);
    revalidateExposure(view.nodeName);
    return undefined;
  });
}

export async function savePanelAddressesAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const caller = await administrator();
    const value = formData.get("addresses");
    // One address a line (commas too); blank lines are not entries.
    const lines = typeof value === "string" ? value.split(/[\n,]+/).map((line) => line.trim()).filter((line) => line.length > 0) : [];
    await setPanelAddresses(caller, lines);
    revalidateExposure();
    return undefined;
  });
}
