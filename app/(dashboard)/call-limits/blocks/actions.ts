"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { liftBlockOnCluster, type LiftBlockResult } from "@/lib/observe/lift-extension-block";
import { extensionBlockIdSchema } from "@/lib/validation/extension-blocks";

// Server action of the Blocked extensions page. The role is checked here; the data layer checks permission and
// tenant again, next to the data.

/** Lifts one block (audited) and sends the nodes the cluster's guard state at once. */
export async function liftBlockAction(id: string): Promise<ActionResult<LiftBlockResult>> {
  return runAction(async () => {
    const user = await requirePermission("bans:write");
    const caller = callerFromUser(user, getClientIp(await headers()));
    const result = await liftBlockOnCluster(caller, { id: extensionBlockIdSchema.parse(id) });
    revalidatePath("/call-limits/blocks");
    return result;
  });
}
