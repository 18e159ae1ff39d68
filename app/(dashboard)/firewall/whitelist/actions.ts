"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { updateAutoWhitelistSettings, type AutoWhitelistSettingsView } from "@/lib/db/queries/auto-whitelist";
import { autoWhitelistFormSchema } from "@/lib/validation/settings";

/** Saves the auto-whitelist of registered phones (ADMIN; the data layer checks again). */
export async function saveAutoWhitelistAction(
  _previous: ActionResult<AutoWhitelistSettingsView> | null,
  formData: FormData,
): Promise<ActionResult<AutoWhitelistSettingsView>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("settings:manage"), getClientIp(await headers()));
    const input = autoWhitelistFormSchema.parse({ isEnabled: formData.get("isEnabled"), ttlSeconds: formData.get("ttlSeconds") ?? "" });
    const saved = await updateAutoWhitelistSettings(caller, input);
    revalidatePath("/firewall/whitelist");
    return saved;
  });
}
