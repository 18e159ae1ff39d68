"use server";

import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { getClientIp } from "@/lib/auth/client-ip";
import { getCurrentUser } from "@/lib/auth/session";
import { signOutEverywhere as endEverySessionAndToken } from "@/lib/db/queries/users";
import { AppError } from "@/lib/errors";

/** Ends every session of the signed-in user, this one included, and revokes their API tokens. */
export async function signOutEverywhere(): Promise<ActionResult<{ ended: number; tokensRevoked: number }>> {
  return runAction(async () => {
    const user = await getCurrentUser();
    if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
    const result = await endEverySessionAndToken(user, getClientIp(await headers()));
    return { ended: result.sessionsEnded, tokensRevoked: result.tokensRevoked };
  });
}
