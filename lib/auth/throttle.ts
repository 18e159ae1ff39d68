import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { enclosingNetwork, parseHostAddress } from "@/lib/net/parse";

// Sign-in throttling. Three limits over a sliding 15-minute window of FAILED attempts:
//  - per client address (any account): stops one source spraying many accounts;
//  - per account and address: stops one source guessing one password;
//  - per account from any address: stops a distributed guess, but it does not apply to addresses that
//    signed in to this account successfully in the last 30 days, so an attacker cannot lock the real user
//    out from their usual places. Refused attempts are not counted, so every lock ends by itself.
// "Address" is the client's IPv4 address or its IPv6 /64: one host is usually given a whole /64, so the
// addresses inside it are one source, not 2^64.
//
// Atomic: admitSignInAttempt counts and records the attempt (as a failure, until completeSignInAttempt
// says otherwise) in one transaction under advisory locks on the address and the account, BEFORE the
// password is checked. Concurrent guesses therefore queue on the lock, and once the limit is reached the
// rest are refused without their password ever being evaluated.
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
export const THROTTLE_LIMITS = { perAddress: 20, perAccountAddress: 5, perAccount: 30 } as const;
const IPV6_SOURCE_PREFIX = 64;

/** Advisory-lock classes (the two-key form, a key space apart from the single-key locks elsewhere). */
const LOCK_CLASS = { address: 727310, account: 727311 } as const;

type Db = Prisma.TransactionClient | ReturnType<typeof getDb>;

/** When failures (newest first) reach `limit` inside the window, the time the oldest counted one ages out. */
export function computeBlockedUntil(failuresNewestFirst: readonly Date[], limit: number, windowMs: number, now: Date): Date | null {
  if (failuresNewestFirst.length < limit) return null;
  const pivot = failuresNewestFirst[limit - 1]!;
  const until = new Date(pivot.getTime() + windowMs);
  return until > now ? until : null;
}

/** The network one client address counts under: the IPv4 address itself, or the IPv6 /64 around it. */
export function toThrottleSource(ip: string): string {
  const parsed = parseHostAddress(ip);
  // getClientIp only hands out canonical addresses; anything else counts as itself (inet refuses junk).
  if (!parsed.ok) return ip;
  const network = enclosingNetwork(parsed.value, parsed.value.family === 6 ? IPV6_SOURCE_PREFIX : 32);
  return network.isHost ? `${network.canonical}/32` : network.canonical;
}

export interface ThrottleDecision {
  isBlocked: boolean;
  retryAfterSeconds: number;
}

async function recentFailures(db: Db, where: { email?: string; source?: string }, since: Date, limit: number): Promise<Date[]> {
  const bySource = where.source === undefined ? Prisma.sql`true` : Prisma.sql`ip <<= ${where.source}::inet`;
  const byEmail = where.email === undefined ? Prisma.sql`true` : Prisma.sql`email = ${where.email}`;
  const rows = await db.$queryRaw<{ created_at: Date }[]>`
    SELECT created_at FROM sign_in_attempts
    WHERE ${bySource} AND ${byEmail} AND success = false AND created_at > ${since}
    ORDER BY created_at DESC LIMIT ${limit}::int`;
  return rows.map((r) => r.created_at);
}

async function decide(db: Db, email: string, source: string, now: Date): Promise<ThrottleDecision> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const knownSince = new Date(now.getTime() - KNOWN_ADDRESS_MS);
  const byAddress = await recentFailures(db, { source }, since, THROTTLE_LIMITS.perAddress);
  const byPair = await recentFailures(db, { email, source }, since, THROTTLE_LIMITS.perAccountAddress);
  const byAccount = await recentFailures(db, { email }, since, THROTTLE_LIMITS.perAccount);
  const known = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM sign_in_attempts WHERE email = ${email} AND ip <<= ${source}::inet AND success AND created_at > ${knownSince} LIMIT 1`;
  const candidates = [
    computeBlockedUntil(byAddress, THROTTLE_LIMITS.perAddress, THROTTLE_WINDOW_MS, now),
    computeBlockedUntil(byPair, THROTTLE_LIMITS.perAccountAddress, THROTTLE_WINDOW_MS, now),
    known.length > 0 ? null : computeBlockedUntil(byAccount, THROTTLE_LIMITS.perAccount, THROTTLE_WINDOW_MS, now),
  ].filter((d): d is Date => d !== null);
  if (candidates.length === 0) return { isBlocked: false, retryAfterSeconds: 0 };
  const until = Math.max(...candidates.map((d) => d.getTime()));
  return { isBlocked: true, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
}

/** Whether this account may try to sign in from this address now (a read: it records nothing). */
export async function checkSignInThrottle(email: string, ip: string, now = new Date()): Promise<ThrottleDecision> {
  return decide(getDb(), email, toThrottleSource(ip), now);
}

export type SignInAdmission = { isAdmitted: true; attemptId: bigint } | { isAdmitted: false; retryAfterSeconds: number };

/**
 * Decides and, when admitted, records the attempt as a failure, atomically per address and account. The
 * caller checks the password only when admitted and calls completeSignInAttempt on success.
 */
export async function admitSignInAttempt(email: string, ip: string, now = new Date()): Promise<SignInAdmission> {
  const source = toThrottleSource(ip);
  return getDb().$transaction(
    async (tx) => {
      // Always the address first, then the account: with one order for every attempt, no two wait on each other.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS.address}::int, hashtext(${source}))`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS.account}::int, hashtext(${email}))`;
      const decision = await decide(tx, email, source, now);
      if (decision.isBlocked) return { isAdmitted: false, retryAfterSeconds: decision.retryAfterSeconds };
      const row = await tx.signInAttempt.create({ data: { email, ip, success: false, createdAt: now }, select: { id: true } });
      return { isAdmitted: true, attemptId: row.id };
    },
    // Many guesses at once queue on the lock (each holds it for a few milliseconds): let them wait.
    { maxWait: 15_000, timeout: 15_000 },
  );
}

/** Marks an admitted attempt as a successful sign-in (it no longer counts as a failure). */
export async function completeSignInAttempt(attemptId: bigint): Promise<void> {
  await getDb().signInAttempt.update({ where: { id: attemptId }, data: { success: true } });
}

/** Records a finished attempt directly (tests and imports of history; sign-in uses admitSignInAttempt). */
export async function recordSignInAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await getDb().signInAttempt.create({ data: { email, ip, success } });
}
