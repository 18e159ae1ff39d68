import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as resetPasswordRoute } from "@/app/api/v1/users/[id]/reset-password/route";
import { DELETE as deleteUserRoute, GET as getUserRoute, PATCH as patchUserRoute } from "@/app/api/v1/users/[id]/route";
import { GET as listUsersRoute, POST as createUserRoute } from "@/app/api/v1/users/route";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { verifyPassword } from "@/lib/auth/password";
import { getDb } from "@/lib/db/client";
import { isAppError, type AppErrorCode } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { SYSTEM_ACTOR } from "./audit";
import { createApiToken, findActiveToken } from "./tokens";
import {
  createUser,
  deleteUser,
  getUser,
  listTenantChoices,
  listUsers,
  resetUserPasswordById,
  setUserDisabled,
  updateUser,
  type UserView,
} from "./users";

const PASSWORD = "correct horse battery staple";
const uniqueEmail = (label = "user") => `${label}-${randomUUID()}@users.test`;

async function newUser(role: Role = "VIEWER", tenantId: string | null = null): Promise<UserView> {
  return createUser(SYSTEM_ACTOR, { email: uniqueEmail(role.toLowerCase()), role, tenantId, password: PASSWORD });
}

async function newTenant(): Promise<string> {
  return (await getDb().tenant.create({ data: { name: `users-it-${randomUUID()}` } })).id;
}

async function newAdminCaller(): Promise<{ admin: UserView; caller: Caller }> {
  const admin = await newUser("ADMIN");
  return { admin, caller: callerFromUser(admin, "192.0.2.10") };
}

/** The AppError code a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<{ code: AppErrorCode; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message, fieldErrors: error.fieldErrors };
    throw error;
  }
  throw new Error("expected a rejection");
}

async function auditOf(objectId: string) {
  return getDb().auditLog.findMany({ where: { objectId }, orderBy: { id: "asc" } });
}

async function openSession(userId: string) {
  return getDb().authSession.create({ data: { userId, expiresAt: new Date(Date.now() + 3_600_000) } });
}

describe("users: authorization", () => {
  it("refuses every role but ADMIN", async () => {
    const target = await newUser();
    for (const role of ["OPERATOR", "VIEWER", "TENANT_ADMIN"] as const) {
      const caller: Caller = { role, tenantId: role === "TENANT_ADMIN" ? randomUUID() : null, actor: { type: "USER", id: randomUUID(), label: "x" } };
      expect((await rejection(listUsers(caller, { limit: 10 }))).code).toBe("FORBIDDEN");
      expect((await rejection(createUser(caller, { email: uniqueEmail(), role: "ADMIN", password: PASSWORD }))).code).toBe("FORBIDDEN");
      expect((await rejection(updateUser(caller, target.id, { role: "ADMIN" }))).code).toBe("FORBIDDEN");
      expect((await rejection(listTenantChoices(caller))).code).toBe("FORBIDDEN");
    }
    expect((await getDb().user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("VIEWER");
  });
});

describe("users: create, list, get", () => {
  it("creates a user with a hashed password and audits it without the hash", async () => {
    const { admin, caller } = await newAdminCaller();
    const email = uniqueEmail("created");
    const user = await createUser(caller, { email, name: "Ada", role: "OPERATOR", password: PASSWORD });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(row.passwordHash, PASSWORD)).toBe(true);
    const [entry] = await auditOf(user.id);
    expect(entry).toMatchObject({ action: "user.create", objectType: "user", actorLabel: admin.email, actorId: admin.id, ip: "192.0.2.10" });
    expect(entry?.after).toEqual({ email, name: "Ada", role: "OPERATOR", tenantId: null, disabled: false });
    expect(JSON.stringify([entry?.before, entry?.after])).not.toMatch(/argon2|passwordHash/);
  });

  it("refuses a taken e-mail with a field message and changes nothing", async () => {
    const { caller } = await newAdminCaller();
    const existing = await newUser();
    const error = await rejection(createUser(caller, { email: existing.email, role: "ADMIN", password: PASSWORD }));
    expect(error.code).toBe("CONFLICT");
    expect(error.fieldErrors?.email?.[0]).toContain("already exists");
    const rows = await getDb().user.findMany({ where: { email: existing.email } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.role).toBe("VIEWER");
    expect(await auditOf(existing.id)).toHaveLength(1);
  });

  it("refuses an unknown tenant", async () => {
    const { caller } = await newAdminCaller();
    const email = uniqueEmail();
    const error = await rejection(createUser(caller, { email, role: "TENANT_ADMIN", tenantId: randomUUID(), password: PASSWORD }));
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors?.tenantId).toBeDefined();
    expect(await getDb().user.findUnique({ where: { email } })).toBeNull();
  });

  it("lists users in e-mail order over keyset pages without gaps or repeats, with tenant names", async () => {
    const { caller } = await newAdminCaller();
    const tenantId = await newTenant();
    const tenantAdmin = await newUser("TENANT_ADMIN", tenantId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(caller, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((u) => u.email));
      if (page.items.some((u) => u.id === tenantAdmin.id)) {
        expect(page.items.find((u) => u.id === tenantAdmin.id)?.tenantName).toMatch(/^users-it-/);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await getDb().user.count());
    expect((await getUser(caller, tenantAdmin.id)).tenantName).toMatch(/^users-it-/);
  });

  it("finds users by part of the e-mail or the name, in any case, with wildcards taken literally", async () => {
    const { caller } = await newAdminCaller();
    const tag = randomUUID().slice(0, 8);
    const a = await createUser(caller, { email: `find-${tag}-a_b@users.test`, name: "Zed", role: "VIEWER", password: PASSWORD });
    const b = await createUser(caller, { email: `find-${tag}-axb@users.test`, name: `Person ${tag.toUpperCase()}`, role: "VIEWER", password: PASSWORD });
    const ids = async (search: string) => (await listUsers(caller, { limit: 50, search })).items.map((u) => u.id).sort();
    expect(await ids(`FIND-${tag}`)).toEqual([a.id, b.id].sort());
    expect(await ids(`${tag}-a_b`)).toEqual([a.id]);
    expect(await ids(`person ${tag}`)).toEqual([b.id]);
    expect(await ids(`${tag}%`)).toEqual([]);
  });

  it("answers 422 for a cursor it did not make and 404 for an unknown id", async () => {
    const { caller } = await newAdminCaller();
    expect((await rejection(listUsers(caller, { limit: 5, cursor: "bm90LWEtY3Vyc29y" }))).code).toBe("VALIDATION");
    expect((await rejection(listUsers(caller, { limit: 5, cursor: "%%%" }))).code).toBe("VALIDATION");
    expect((await rejection(getUser(caller, randomUUID()))).code).toBe("NOT_FOUND");
  });
});

describe("users: update, disable, reset, delete", () => {
  it("changes the role, ends the user's sessions and audits before and after", async () => {
    const { caller } = await newAdminCaller();
    const user = await newUser("VIEWER");
    const session = await openSession(user.id);
    await updateUser(caller, user.id, { role: "OPERATOR", name: "Grace" });
    expect((await getDb().authSession.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).not.toBeNull();
    const entries = await auditOf(user.id);
    expect(entries.map((e) => e.action)).toEqual(["user.create", "user.update"]);
    expect(entries[1]?.before).toMatchObject({ role: "VIEWER", name: "" });
    expect(entries[1]?.after).toMatchObject({ role: "OPERATOR", name: "Grace" });
  });

  it("renaming keeps the sessions; an unchanged update writes nothing", async () => {
    const { caller } = await newAdminCaller();
    const user = await newUser("VIEWER");
    const session = await openSession(user.id);
    await updateUser(caller, user.id, { name: "New name" });
    await updateUser(caller, user.id, { name: "New name", role: "VIEWER" });
    expect((await getDb().authSession.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).toBeNull();
    expect((await auditOf(user.id)).map((e) => e.action)).toEqual(["user.create", "user.update"]);
  });

  it("clears the tenant when a tenant administrator gets another role, and checks the tenant exists", async () => {
    const { caller } = await newAdminCaller();
    const user = await newUser("TENANT_ADMIN", await newTenant());
    const demoted = await updateUser(caller, user.id, { role: "VIEWER" });
    expect(demoted.tenantId).toBeNull();
    const error = await rejection(updateUser(caller, user.id, { role: "TENANT_ADMIN", tenantId: randomUUID() }));
    expect(error.code).toBe("VALIDATION");
    expect((await rejection(updateUser(caller, user.id, { role: "TENANT_ADMIN" }))).code).toBe("VALIDATION");
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("VIEWER");
  });

  it("disables (ending sessions) and enables, audited as user.disable and user.enable", async () => {
    const { caller } = await newAdminCaller();
    const user = await newUser("OPERATOR");
    const session = await openSession(user.id);
    expect((await setUserDisabled(caller, user.id, true)).disabled).toBe(true);
    expect((await getDb().authSession.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).not.toBeNull();
    expect((await setUserDisabled(caller, user.id, false)).disabled).toBe(false);
    const entries = await auditOf(user.id);
    expect(entries.map((e) => e.action)).toEqual(["user.create", "user.disable", "user.enable"]);
    expect(entries[1]?.before).toMatchObject({ disabled: false });
    expect(entries[1]?.after).toMatchObject({ disabled: true });
  });

  it("resets a password by id: the new one works, sessions end, the hash is not audited", async () => {
    const { caller } = await newAdminCaller();
    const user = await newUser();
    const session = await openSession(user.id);
    await resetUserPasswordById(caller, user.id, "a brand new password 9");
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(row.passwordHash, "a brand new password 9")).toBe(true);
    expect((await getDb().authSession.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).not.toBeNull();
    const entries = await auditOf(user.id);
    expect(entries.at(-1)).toMatchObject({ action: "user.reset-password", before: null, after: { email: user.email, sessionsEnded: 1 } });
    expect(JSON.stringify(entries.map((e) => [e.before, e.after]))).not.toMatch(/argon2|brand new/);
  });

  it("deletes a user; tokens they created are revoked (the rows stay) and the audit keeps the e-mail", async () => {
    const { caller } = await newAdminCaller();
    const other = await newUser("ADMIN");
    const created = await createApiToken(callerFromUser(other), { name: "revoked-with-owner", role: "VIEWER" });
    const deleted = await deleteUser(caller, other.id);
    expect(deleted.email).toBe(other.email);
    expect(await getDb().user.findUnique({ where: { id: other.id } })).toBeNull();
    expect(await findActiveToken(created.token)).toBeNull();
    const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ createdById: null, revokedAt: expect.any(Date) });
    const entry = (await auditOf(other.id)).at(-1);
    expect(entry).toMatchObject({ action: "user.delete", after: null });
    expect(entry?.before).toMatchObject({ email: other.email, role: "ADMIN" });
    expect((await rejection(deleteUser(caller, other.id))).code).toBe("NOT_FOUND");
  });
});

describe("users: an administrator cannot lock themselves out", () => {
  it("refuses disabling, demoting, deleting or resetting the password of one's own account", async () => {
    const { admin, caller } = await newAdminCaller();
    for (const attempt of [
      () => updateUser(caller, admin.id, { disabled: true }),
      () => setUserDisabled(caller, admin.id, true),
      () => updateUser(caller, admin.id, { role: "OPERATOR" }),
      () => deleteUser(caller, admin.id),
      () => resetUserPasswordById(caller, admin.id, "another password 123"),
    ]) {
      const error = await rejection(attempt());
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toMatch(/your own/);
    }
    const row = await getDb().user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row).toMatchObject({ role: "ADMIN", disabled: false });
    expect(await verifyPassword(row.passwordHash, PASSWORD)).toBe(true);
    expect((await auditOf(admin.id)).map((e) => e.action)).toEqual(["user.create"]);
    // Renaming oneself is fine.
    expect((await updateUser(caller, admin.id, { name: "Me" })).name).toBe("Me");
  });
});

describe("users: the last active administrator", () => {
  // The integration database is shared by every suite (run one file at a time): other suites' active
  // administrators are disabled for these tests and enabled again afterwards.
  let parked: string[] = [];
  beforeAll(async () => {
    parked = (await getDb().user.findMany({ where: { role: "ADMIN", disabled: false }, select: { id: true } })).map((u) => u.id);
    await getDb().user.updateMany({ where: { id: { in: parked } }, data: { disabled: true } });
  });
  afterAll(async () => {
    await getDb().user.updateMany({ where: { id: { in: parked } }, data: { disabled: false } });
  });

  it("cannot be disabled, demoted or deleted through the dashboard or the API", async () => {
    const last = await newUser("ADMIN");
    const token: Caller = { role: "ADMIN", tenantId: null, actor: { type: "TOKEN", id: randomUUID(), label: "token:ops" } };
    for (const attempt of [
      () => setUserDisabled(token, last.id, true),
      () => updateUser(token, last.id, { role: "VIEWER" }),
      () => deleteUser(token, last.id),
    ]) {
      const error = await rejection(attempt());
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain(`${last.email} is the last active administrator`);
    }
    expect(await getDb().user.findUniqueOrThrow({ where: { id: last.id } })).toMatchObject({ role: "ADMIN", disabled: false });
    expect(await getDb().auditLog.count({ where: { objectId: last.id } })).toBe(1);
    // The CLI is the way back in and is not held to the guard.
    expect((await setUserDisabled({ type: "CLI", id: null, label: "cli:root" }, last.id, true)).disabled).toBe(true);
  });

  it("can be changed once another administrator is active", async () => {
    const first = await newUser("ADMIN");
    const second = await newUser("ADMIN");
    const caller = callerFromUser(second);
    expect((await updateUser(caller, first.id, { role: "OPERATOR" })).role).toBe("OPERATOR");
    const token: Caller = { role: "ADMIN", tenantId: null, actor: { type: "TOKEN", id: randomUUID(), label: "token:ops" } };
    const error = await rejection(setUserDisabled(token, second.id, true));
    expect(error.message).toContain("last active administrator");
    await getDb().user.update({ where: { id: second.id }, data: { disabled: true } });
  });

  it("survives two administrators demoting each other at the same moment: exactly one succeeds", async () => {
    const a = await newUser("ADMIN");
    const b = await newUser("ADMIN");
    const results = await Promise.allSettled([
      updateUser(callerFromUser(a), b.id, { role: "VIEWER" }),
      updateUser(callerFromUser(b), a.id, { role: "VIEWER" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected && isAppError(rejected.reason) && rejected.reason.code).toBe("CONFLICT");
    expect(await getDb().user.count({ where: { id: { in: [a.id, b.id] }, role: "ADMIN", disabled: false } })).toBe(1);
    await getDb().user.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { disabled: true } });
  });
});

describe("users through the REST API", () => {
  const noParams = { params: Promise.resolve({}) };
  const withId = (id: string) => ({ params: Promise.resolve({ id }) });
  function apiRequest(path: string, token: string, init: { method?: string; body?: unknown; rawBody?: string } = {}): NextRequest {
    return new NextRequest(`http://rampart.test${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-rampart-client-ip": "203.0.113.5" },
      body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  }

  it("creates a user (201, password once), changes, disables, resets and deletes it", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "user-admin", role: "ADMIN" });
    const email = uniqueEmail("api");
    const created = await createUserRoute(apiRequest("/api/v1/users", token, { method: "POST", body: { email: ` ${email.toUpperCase()} `, role: "VIEWER" } }), noParams);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ email, role: "VIEWER", name: "", disabled: false, tenantId: null });
    const row = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(row.passwordHash, body.initialPassword)).toBe(true);

    const patched = await patchUserRoute(apiRequest(`/api/v1/users/${row.id}`, token, { method: "PATCH", body: { name: "Api", role: "OPERATOR" } }), withId(row.id));
    expect(await patched.json()).toMatchObject({ name: "Api", role: "OPERATOR" });
    const disabled = await patchUserRoute(apiRequest(`/api/v1/users/${row.id}`, token, { method: "PATCH", body: { disabled: true } }), withId(row.id));
    expect(await disabled.json()).toMatchObject({ disabled: true });

    const reset = await resetPasswordRoute(apiRequest(`/api/v1/users/${row.id}/reset-password`, token, { method: "POST" }), withId(row.id));
    const { password } = await reset.json();
    expect(await verifyPassword((await getDb().user.findUniqueOrThrow({ where: { id: row.id } })).passwordHash, password)).toBe(true);

    const deleted = await deleteUserRoute(apiRequest(`/api/v1/users/${row.id}`, token, { method: "DELETE" }), withId(row.id));
    expect(deleted.status).toBe(204);
    const entries = await auditOf(row.id);
    expect(entries.map((e) => e.action)).toEqual(["user.create", "user.update", "user.disable", "user.reset-password", "user.delete"]);
    expect(entries.every((e) => e.actorType === "TOKEN" && e.actorLabel === "token:user-admin" && e.ip === "203.0.113.5")).toBe(true);
    expect((await getUserRoute(apiRequest(`/api/v1/users/${row.id}`, token), withId(row.id))).status).toBe(404);
  });

  it("answers 4xx with a message for bad input and changes nothing", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "user-admin", role: "ADMIN" });
    const existing = await newUser("VIEWER");
    const before = await getDb().user.count();
    const cases: Array<[unknown, number]> = [
      [{ email: "not-an-email", role: "VIEWER" }, 422],
      [{ email: uniqueEmail(), role: "KING" }, 422],
      [{ email: uniqueEmail(), role: "TENANT_ADMIN" }, 422],
      [{ email: uniqueEmail(), role: "VIEWER", tenantId: "nope" }, 422],
      [{ email: existing.email, role: "ADMIN" }, 409],
      [[], 422],
    ];
    for (const [body, status] of cases) {
      const response = await createUserRoute(apiRequest("/api/v1/users", token, { method: "POST", body }), noParams);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error).toEqual(expect.any(String));
    }
    expect((await createUserRoute(apiRequest("/api/v1/users", token, { method: "POST", rawBody: "{nope" }), noParams)).status).toBe(400);
    expect(await getDb().user.count()).toBe(before);

    for (const body of [{}, { email: "x@y.z" }, { disabled: "yes" }, { role: "TENANT_ADMIN" }]) {
      const response = await patchUserRoute(apiRequest(`/api/v1/users/${existing.id}`, token, { method: "PATCH", body }), withId(existing.id));
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    expect((await patchUserRoute(apiRequest("/api/v1/users/x", token, { method: "PATCH", body: { name: "x" } }), withId("x"))).status).toBe(404);
    expect((await listUsersRoute(apiRequest("/api/v1/users?limit=-1", token), noParams)).status).toBe(422);
    expect(await getDb().user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ role: "VIEWER", disabled: false, name: "" });
  });

  it("is refused to tokens without users:manage", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "operator", role: "OPERATOR" });
    expect((await listUsersRoute(apiRequest("/api/v1/users", token), noParams)).status).toBe(403);
    const email = uniqueEmail();
    expect((await createUserRoute(apiRequest("/api/v1/users", token, { method: "POST", body: { email, role: "ADMIN" } }), noParams)).status).toBe(403);
    expect(await getDb().user.findUnique({ where: { email } })).toBeNull();
  });
});
