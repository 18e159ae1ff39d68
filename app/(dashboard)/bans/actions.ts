"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { unbanAddresses, type UnbanResult } from "@/lib/observe/unban";
import "@/lib/observe/register-unbanner";
import type { UnbanRequestInput } from "@/lib/validation/bans";

// Server actions of the Bans page. The role is checked here; unbanAddresses parses the input with the shared
// schema and checks permission and tenant again, next to the data.

/** Unban on the chosen nodes (or all), optionally then whitelist or block: one call for single and bulk actions. */
export async function unbanAction(input: UnbanRequestInput): Promise<ActionResult<UnbanResult>> {
  return runAction(async () => {
    const user = await requirePermission("bans:write");
    const caller = callerFromUser(user, getClientIp(await headers()));
    const result = await unbanAddresses(caller, input);
    revalidatePath("/bans");
    return result;
  });
}
