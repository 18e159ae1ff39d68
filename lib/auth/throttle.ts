import { getDb } from "@/lib/db/client";

// Sign-in throttling. Three limits over a sliding 15-minute window of FAILED attempts:
//  - per client address (any account): stops one source spraying many accounts;
//  - per account and address: stops one source guessing one password;
//  - per account from any address: stops a distributed guess, but it does not apply to addresses that
//    signed in to this account successfully in the last 30 days, so an attacker cannot lock the real user
//    out from their usual places. Refused attempts are not counted, so every lock ends by itself.
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
export const THROTTLE_LIMITS = { perAddress: 20, perAccountAddress: 5, perAccount: 30 } as const;

/** When failures (newest first) reach `limit` inside the window, the time the oldest counted one ages out. */
export function computeBlockedUntil(failuresNewestFirst: readonly Date[], limit: number, windowMs: number, now: Date): Date | null {
  if (failuresNewestFirst.length < limit) return null;
  const pivot = failuresNewestFirst[limit - 1]!;
  const until = new Date(pivot.getTime() + windowMs);
  return until > now ? until : null;
}

export interface ThrottleDecision {
  isBlocked: boolean;
  retryAfterSeconds: number;
}

async function recentFailures(where: { email?: string; ip?: string }, since: Date, limit: number): Promise<Date[]> {
  const rows = await getDb().signInAttempt.findMany({
    where: { ...where, success: false, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { createdAt: true },
  });
  return rows.map((r) => r.createdAt);
}

/** Decides whether this account may try to sign in from this address now. */
export async function checkSignInThrottle(email: string, ip: string, now = new Date()): Promise<ThrottleDecision> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const [byAddress, byPair, byAccount, known] = await Promise.all([
    recentFailures({ ip }, since, THROTTLE_LIMITS.perAddress),
    recentFailures({ email, ip }, since, THROTTLE_LIMITS.perAccountAddress),
    recentFailures({ email }, since, THROTTLE_LIMITS.perAccount),
    getDb().signInAttempt.findFirst({
      where: { email, ip, success: true, createdAt: { gt: new Date(now.getTime() - KNOWN_ADDRESS_MS) } },
      select: { id: true },
    }),
  ]);
  const candidates = [
    computeBlockedUntil(byAddress, THROTTLE_LIMITS.perAddress, THROTTLE_WINDOW_MS, now),
    computeBlockedUntil(byPair, THROTTLE_LIMITS.perAccountAddress, THROTTLE_WINDOW_MS, now),
    known ? null : computeBlockedUntil(byAccount, THROTTLE_LIMITS.perAccount, THROTTLE_WINDOW_MS, now),
  ].filter((d): d is Date => d !== null);
  if (candidates.length === 0) return { isBlocked: false, retryAfterSeconds: 0 };
  const until = Math.max(...candidates.map((d) => d.getTime()));
  return { isBlocked: true, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
}

export async function recordSignInAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await getDb().signInAttempt.create({ data: { email, ip, success } });
}
