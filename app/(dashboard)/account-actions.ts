"use server";

import { getDb } from "@/lib/db/client";
import { writeAudit } from "@/lib/db/queries/audit";
import { runAction, type ActionResult } from "@/lib/action-result";
import { AppError } from "@/lib/errors";
import { getCurrentUser } from "@/lib/auth/session";

/** Ends every session of the signed-in user, this one included (a lost laptop, a shared computer). */
export async function signOutEverywhere(): Promise<ActionResult<{ ended: number }>> {
  return runAction(async () => {
    const user = await getCurrentUser();
    if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
    return getDb().$transaction(async (tx) => {
      const { count } = await tx.authSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
      await writeAudit(tx, { type: "USER", id: user.id, label: user.email }, {
        action: "user.sign-out-everywhere", objectType: "user", objectId: user.id, after: { sessionsEnded: count },
      });
      return { ended: count };
    });
  });
}
