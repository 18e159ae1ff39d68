"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { getRateLimitSettings, updateRateLimitSettings } from "@/lib/db/queries/settings";
import { AppError } from "@/lib/errors";
import {
  collectFormErrors,
  foldListErrors,
  rateLimitFormSchema,
  rateLimitToForm,
  type RateLimitFormValues,
} from "@/lib/validation/settings";

/** Saves the SIP rate limits; answers the stored values (ports sorted) for the form to show. */
export async function saveRateLimitsAction(input: RateLimitFormValues): Promise<ActionResult<RateLimitFormValues>> {
  return runAction(async () => {
    const caller = callerFromUser(await requirePermission("policy:write"), getClientIp(await headers()));
    const parsed = rateLimitFormSchema.safeParse(input);
    if (!parsed.success) {
      const fallback = rateLimitToForm(await getRateLimitSettings(caller));
      const errors = collectFormErrors(rateLimitFormSchema, input, fallback) ?? {};
      const sipPorts = typeof input?.sipPorts === "string" ? input.sipPorts : "";
      throw new AppError("VALIDATION", "Check the highlighted fields.", foldListErrors(errors, { sipPorts }));
    }
    const saved = await updateRateLimitSettings(caller, parsed.data);
    revalidatePath("/firewall/rate-limits");
    return rateLimitToForm(saved);
  });
}
