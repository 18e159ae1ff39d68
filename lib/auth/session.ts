import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { authOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  tenantId: string | null;
  sessionId: string;
}

const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Loads the session row and its user on every request: revoked, expired or disabled means signed out. */
export async function loadSessionUser(sessionId: string, now = new Date()): Promise<SessionUser | null> {
  const row = await getDb().authSession.findUnique({ where: { id: sessionId }, include: { user: true } });
  if (!row || row.revokedAt || row.expiresAt <= now || row.user.disabled) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await getDb().authSession.update({ where: { id: row.id }, data: { lastSeenAt: now } });
  }
  const { user } = row;
  return { id: user.id, email: user.email, name: user.name, role: user.role, tenantId: user.tenantId, sessionId: row.id };
}

/** The signed-in user of this request, re-checked against the database (once per request). */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  if (!session?.sid) return null;
  return loadSessionUser(session.sid);
});
