import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createUser, resetUserPassword, updateUser } from "@/lib/db/queries/users";
import { CLIENT_IP_HEADER } from "./client-ip";
import { loadSessionUser } from "./session";
import { signInWithPassword, THROTTLED_PREFIX } from "./sign-in";
import { checkSignInThrottle, recordSignInAttempt, THROTTLE_LIMITS } from "./throttle";

const uniqueEmail = () => `user-${randomUUID()}@example.test`;
let ipCounter = 1;
const uniqueIp = () => `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

async function newUserWithSession(role: "ADMIN" | "VIEWER" = "VIEWER") {
  const user = await createUser(SYSTEM_ACTOR, { email: uniqueEmail(), role, password: "correct horse battery staple" });
  const session = await getDb().authSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  return { user, sessionId: session.id };
}

describe("sign-in throttling", () => {
  it("blocks one account from one address after the per-pair limit, with a retry time", async () => {
    const email = uniqueEmail();
    const ip = uniqueIp();
    for (let i = 0; i < THROTTLE_LIMITS.perAccountAddress - 1; i++) await recordSignInAttempt(email, ip, false);
    expect((await checkSignInThrottle(email, ip)).isBlocked).toBe(false);
    await recordSignInAttempt(email, ip, false);
    const decision = await checkSignInThrottle(email, ip);
    expect(decision.isBlocked).toBe(true);
    expect(decision.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(decision.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
  });

  it("does not block the same account from another address for one address's failures", async () => {
    const email = uniqueEmail();
    const attacker = uniqueIp();
    for (let i = 0; i < THROTTLE_LIMITS.perAccountAddress; i++) await recordSignInAttempt(email, attacker, false);
    expect((await checkSignInThrottle(email, attacker)).isBlocked).toBe(true);
    expect((await checkSignInThrottle(email, uniqueIp())).isBlocked).toBe(false);
  });

  it("blocks an address that sprays many accounts", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < THROTTLE_LIMITS.perAddress; i++) await recordSignInAttempt(uniqueEmail(), ip, false);
    expect((await checkSignInThrottle(uniqueEmail(), ip)).isBlocked).toBe(true);
  });

  it("blocks a distributed attack on one account, except from addresses the user signed in from", async () => {
    const email = uniqueEmail();
    const home = uniqueIp();
    await recordSignInAttempt(email, home, true);
    for (let i = 0; i < THROTTLE_LIMITS.perAccount; i++) await recordSignInAttempt(email, uniqueIp(), false);
    expect((await checkSignInThrottle(email, uniqueIp())).isBlocked).toBe(true);
    expect((await checkSignInThrottle(email, home)).isBlocked).toBe(false);
  });

  it("forgets failures older than the window", async () => {
    const email = uniqueEmail();
    const ip = uniqueIp();
    for (let i = 0; i < THROTTLE_LIMITS.perAccountAddress; i++) await recordSignInAttempt(email, ip, false);
    const later = new Date(Date.now() + 16 * 60_000);
    expect((await checkSignInThrottle(email, ip, later)).isBlocked).toBe(false);
  });
});

const PASSWORD = "correct horse battery staple";
const requestFrom = (ip: string) => ({ get: (name: string) => (name === CLIENT_IP_HEADER ? ip : null) });

/** Fires all guesses at once; sorts the outcomes into evaluated (null: wrong password), throttled, signed in. */
async function guessAtOnce(guesses: { email: string; password: string; ip: string }[]) {
  const outcomes = await Promise.allSettled(guesses.map((g) => signInWithPassword({ email: g.email, password: g.password }, requestFrom(g.ip))));
  const throttled = outcomes.filter((o) => o.status === "rejected" && String((o.reason as Error).message).startsWith(THROTTLED_PREFIX));
  const other = outcomes.filter((o) => o.status === "rejected" && !throttled.includes(o));
  expect(other).toEqual([]);
  return {
    evaluated: outcomes.filter((o) => o.status === "fulfilled" && o.value === null).length,
    signedIn: outcomes.filter((o) => o.status === "fulfilled" && o.value !== null).length,
    throttled: throttled.length,
  };
}

const attemptsOf = (email: string) => getDb().signInAttempt.findMany({ where: { email }, select: { success: true, ip: true } });

describe("sign-in throttling under concurrency", () => {
  it("40 parallel wrong guesses from one address evaluate and record exactly the limit; the rest never reach the password", async () => {
    const { user } = await newUserWithSession();
    const ip = uniqueIp();
    const result = await guessAtOnce(Array.from({ length: 40 }, (_, i) => ({ email: user.email, password: `wrong password ${i}`, ip })));
    expect(result).toEqual({ evaluated: THROTTLE_LIMITS.perAccountAddress, signedIn: 0, throttled: 40 - THROTTLE_LIMITS.perAccountAddress });
    const attempts = await attemptsOf(user.email);
    expect(attempts).toHaveLength(THROTTLE_LIMITS.perAccountAddress);
    expect(attempts.every((a) => !a.success)).toBe(true);
    // Even the right password is now refused from there, without a session.
    await expect(signInWithPassword({ email: user.email, password: PASSWORD }, requestFrom(ip))).rejects.toThrow(THROTTLED_PREFIX);
  });

  it("counts every address of one IPv6 /64 as one source, for one account and across accounts", async () => {
    const { user } = await newUserWithSession();
    const prefix = `2001:db8:${(ipCounter++).toString(16)}:${randomUUID().slice(0, 4)}`;
    const oneAccount = await guessAtOnce(
      Array.from({ length: 12 }, (_, i) => ({ email: user.email, password: "wrong password", ip: `${prefix}::${(i + 1).toString(16)}` })),
    );
    expect(oneAccount.evaluated).toBe(THROTTLE_LIMITS.perAccountAddress);
    // Another /64 of the same /48 is another source.
    const neighbour = `2001:db8:${(ipCounter++).toString(16)}:1::1`;
    expect((await checkSignInThrottle(user.email, neighbour)).isBlocked).toBe(false);

    const spray = await guessAtOnce(
      Array.from({ length: 30 }, (_, i) => ({ email: uniqueEmail(), password: "wrong password", ip: `${prefix}:${i + 1}::${i + 7}` })),
    );
    expect(spray.evaluated).toBe(THROTTLE_LIMITS.perAddress - THROTTLE_LIMITS.perAccountAddress);
    expect((await checkSignInThrottle(uniqueEmail(), `${prefix}::ffff`)).isBlocked).toBe(true);
  });

  it("a right password signs in, is recorded as a success and does not count against the limit", async () => {
    const { user } = await newUserWithSession();
    const ip = uniqueIp();
    const session = await signInWithPassword({ email: user.email, password: PASSWORD }, requestFrom(ip));
    expect(session?.email).toBe(user.email);
    expect(await attemptsOf(user.email)).toEqual([{ success: true, ip }]);
    const result = await guessAtOnce(Array.from({ length: 10 }, () => ({ email: user.email, password: "wrong password", ip })));
    expect(result.evaluated).toBe(THROTTLE_LIMITS.perAccountAddress);
  });
});

describe("sessions are re-checked against the database", () => {
  it("accepts a live session and reports the user's current role", async () => {
    const { user, sessionId } = await newUserWithSession("VIEWER");
    expect(await loadSessionUser(sessionId)).toMatchObject({ id: user.id, role: "VIEWER" });
  });

  it("ends the session when the user is disabled", async () => {
    const { user, sessionId } = await newUserWithSession();
    await updateUser(SYSTEM_ACTOR, user.id, { disabled: true });
    expect(await loadSessionUser(sessionId)).toBeNull();
  });

  it("ends the session when the role changes", async () => {
    const { user, sessionId } = await newUserWithSession("ADMIN");
    await updateUser(SYSTEM_ACTOR, user.id, { role: "VIEWER" });
    expect(await loadSessionUser(sessionId)).toBeNull();
  });

  it("ends the session when the password is reset", async () => {
    const { user, sessionId } = await newUserWithSession();
    await resetUserPassword(SYSTEM_ACTOR, user.email, "another long password 1");
    expect(await loadSessionUser(sessionId)).toBeNull();
  });

  it("refuses a revoked or expired session", async () => {
    const { sessionId } = await newUserWithSession();
    await getDb().authSession.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
    expect(await loadSessionUser(sessionId)).toBeNull();
    const other = await newUserWithSession();
    expect(await loadSessionUser(other.sessionId, new Date(Date.now() + 2 * 3_600_000))).toBeNull();
  });

  it("audits user changes without the password hash", async () => {
    const { user } = await newUserWithSession();
    await updateUser(SYSTEM_ACTOR, user.id, { disabled: true });
    const rows = await getDb().auditLog.findMany({ where: { objectType: "user", objectId: user.id }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["user.create", "user.update"]);
    expect(JSON.stringify(rows.map((r) => [r.before, r.after]))).not.toMatch(/argon2|password_hash|passwordHash/);
    expect(rows[1]?.before).toMatchObject({ disabled: false });
    expect(rows[1]?.after).toMatchObject({ disabled: true });
  });
});
