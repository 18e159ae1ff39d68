import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createUser, resetUserPassword, updateUser } from "@/lib/db/queries/users";
import { loadSessionUser } from "./session";
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
