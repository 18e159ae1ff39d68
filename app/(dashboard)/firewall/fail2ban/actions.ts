"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { getFail2banSettings, updateFail2banSettings } from "@/lib/db/queries/settings";
import { AppError } from "@/lib/errors";
import { collectFormErrors, fail2banFormSchema, fail2banToForm, type Fail2banFormValues } from "@/lib/validation/settings";

/** Saves the fail2ban settings; answers the stored values for the form to show. */
export async function saveFail2banAction(input: Fail2banFormValues): Promise<ActionResult<Fail2banFormValues>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("policy:write"), getClientIp(await headers()));
    const parsed = fail2banFormSchema.safeParse(input);
    if (!parsed.success) {
      const fallback = fail2banToForm(await getFail2banSettings(caller));
      throw new AppError("VALIDATION", "Check the highlighted fields.", collectFormErrors(fail2banFormSchema, input, { ...fallback }) ?? {});
    }
    const saved = await updateFail2banSettings(caller, parsed.data);
    revalidatePath("/firewall/fail2ban");
    return fail2banToForm(saved);
  });
}
