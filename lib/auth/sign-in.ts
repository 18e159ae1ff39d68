import "server-only";
import { getDb } from "@/lib/db/client";
import { signInSchema } from "@/lib/validation/auth";
import { getClientIp } from "./client-ip";
import { verifyPassword } from "./password";
import { admitSignInAttempt, completeSignInAttempt } from "./throttle";
import { reportFailedSignIn } from "./web-auth-log";

// The credentials check behind next-auth's authorize (lib/auth/options.ts), kept apart so it can be tested
// without next-auth. Same answer (null) and the same argon2 work for an unknown account, a disabled account
// and a wrong password; the throttle decides (and records) before any password is evaluated.

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Error text the login form turns into "try again in N minutes". */
export const THROTTLED_PREFIX = "THROTTLED:";

export interface SignedInSession {
  /** The auth_sessions row id: the JWT carries only this (see lib/auth/session.ts). */
  id: string;
  email: string;
  name: string;
}

/** A new session for valid credentials; null for wrong ones; throws `THROTTLED:<seconds>` when throttled. */
export async function signInWithPassword(
  credentials: Record<string, unknown> | undefined,
  headers: { get(name: string): string | null },
): Promise<SignedInSession | null> {
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = getClientIp(headers);

  const admission = await admitSignInAttempt(email, ip);
  if (!admission.isAdmitted) throw new Error(`${THROTTLED_PREFIX}${admission.retryAfterSeconds}`);

  const user = await getDb().user.findUnique({ where: { email } });
  const isValid = await verifyPassword(user?.passwordHash, password);
  if (!isValid || !user || user.disabled) {
    await reportFailedSignIn(ip, email);
    return null;
  }
  await completeSignInAttempt(admission.attemptId);

  const now = new Date();
  const [session] = await getDb().$transaction([
    getDb().authSession.create({
      data: {
        userId: user.id,
        ip,
        userAgent: (headers.get("user-agent") ?? "").slice(0, 300),
        expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
      },
    }),
    getDb().user.update({ where: { id: user.id }, data: { lastSignInAt: now } }),
  ]);
  return { id: session.id, email: user.email, name: user.name };
}
