import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as getAudit } from "@/app/api/v1/audit/route";
import { DELETE as revokeRoute, GET as getTokenRoute } from "@/app/api/v1/tokens/[id]/route";
import { GET as getTokenSettingsRoute, PUT as putTokenSettingsRoute } from "@/app/api/v1/settings/tokens/route";
import { GET as listTokensRoute, POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { isAppError, type AppErrorCode } from "@/lib/errors";
import { SYSTEM_ACTOR } from "./audit";
import {
  createApiToken,
  findActiveToken,
  getApiToken,
  getTokenSettings,
  hashToken,
  listApiTokens,
  revokeApiToken,
  touchToken,
  updateTokenSettings,
} from "./tokens";
import { createUser, deleteUser, setUserDisabled, signOutEverywhere, updateUser } from "./users";

async function newAdminCaller(): Promise<Caller> {
  const admin = await createUser(SYSTEM_ACTOR, { email: `token-admin-${randomUUID()}@tokens.test`, role: "ADMIN", password: "correct horse battery staple" });
  return callerFromUser(admin, "198.51.100.7");
}

async function rejection(promise: Promise<unknown>): Promise<{ code: AppErrorCode; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message, fieldErrors: error.fieldErrors };
    throw error;
  }
  throw new Error("expected a rejection");
}

const noParams = { params: Promise.resolve({}) };

function apiRequest(path: string, token: string | null, init: { method?: string; body?: unknown } = {}): NextRequest {
  const headers: Record<string, string> = { "x-rampart-client-ip": "203.0.113.9" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return new NextRequest(`http://rampart.test${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe("API tokens in the data layer", () => {
  it("stores only the hash, works until revoked, and audits creation and revocation without the secret", async () => {
    const caller = await newAdminCaller();
    const created = await createApiToken(caller, { name: "ci", role: "OPERATOR" });
    expect(created.token).toMatch(/^rmp_[A-Za-z0-9_-]{43}$/);
    const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(row.createdById).toBe(caller.actor.id);
    expect((await findActiveToken(created.token))?.id).toBe(created.id);

    const revoked = await revokeApiToken(caller, created.id);
    expect(revoked.status).toBe("revoked");
    expect(await findActiveToken(created.token)).toBeNull();

    const entries = await getDb().auditLog.findMany({ where: { objectId: created.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.action)).toEqual(["token.create", "token.revoke"]);
    expect(entries[0]?.after).toMatchObject({ name: "ci", role: "OPERATOR", prefix: created.prefix });
    expect(entries[1]?.before).toMatchObject({ revokedAt: null });
    expect(entries[1]?.after).toMatchObject({ revokedAt: expect.any(String) });
    const text = JSON.stringify(entries.map((e) => [e.before, e.after, e.actorLabel]));
    expect(text).not.toContain(created.token);
    expect(text).not.toContain(row.tokenHash);
  });

  it("refuses revoking twice, unknown ids, and callers without users:manage", async () => {
    const caller = await newAdminCaller();
    const created = await createApiToken(caller, { name: "twice", role: "VIEWER" });
    await revokeApiToken(caller, created.id);
    const again = await rejection(revokeApiToken(caller, created.id));
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toContain("already revoked");
    expect((await rejection(revokeApiToken(caller, randomUUID()))).code).toBe("NOT_FOUND");
    const operator: Caller = { role: "OPERATOR", tenantId: null, actor: { type: "USER", id: randomUUID(), label: "op" } };
    expect((await rejection(createApiToken(operator, { name: "x", role: "ADMIN" }))).code).toBe("FORBIDDEN");
    expect((await rejection(listApiTokens(operator, { limit: 5 }))).code).toBe("FORBIDDEN");
    expect(await getDb().auditLog.count({ where: { objectId: created.id } })).toBe(2);
  });

  it("treats expired tokens as dead, refuses a past expiry, and checks the tenant", async () => {
    const caller = await newAdminCaller();
    const soon = await createApiToken(caller, { name: "soon", role: "VIEWER", expiresAt: new Date(Date.now() + 60_000) });
    expect(await findActiveToken(soon.token)).not.toBeNull();
    expect(await findActiveToken(soon.token, new Date(Date.now() + 120_000))).toBeNull();
    expect((await rejection(createApiToken(caller, { name: "past", role: "VIEWER", expiresAt: new Date(Date.now() - 1_000) }))).code).toBe("VALIDATION");
    const tenantError = await rejection(createApiToken(caller, { name: "t", role: "TENANT_ADMIN", tenantId: randomUUID() }));
    expect(tenantError.fieldErrors?.tenantId).toBeDefined();
    await getDb().apiToken.update({ where: { id: soon.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await getApiToken(caller, soon.id)).status).toBe("expired");
  });

  it("lists tokens newest first over keyset pages, never with secrets", async () => {
    const caller = await newAdminCaller();
    for (let i = 0; i < 3; i++) await createApiToken(caller, { name: `page-${i}`, role: "VIEWER" });
    const ids: string[] = [];
    let cursor: string | undefined;
    let previous: { createdAt: Date; id: string } | undefined;
    do {
      const page = await listApiTokens(caller, { limit: 2, cursor });
      for (const item of page.items) {
        expect(item).not.toHaveProperty("tokenHash");
        if (previous) expect(item.createdAt.getTime() < previous.createdAt.getTime() || (item.createdAt.getTime() === previous.createdAt.getTime() && item.id < previous.id)).toBe(true);
        previous = item;
        ids.push(item.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await getDb().apiToken.count());
    expect((await rejection(listApiTokens(caller, { limit: 2, cursor: "WyJub3QtYS1kYXRlIiwieCJd" }))).code).toBe("VALIDATION");
  });

  it("records use and its address at most once a minute, and at once from a new address", async () => {
    const caller = await newAdminCaller();
    const created = await createApiToken(caller, { name: "touch", role: "VIEWER" });
    const t0 = new Date();
    const read = () => getDb().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    await touchToken(created.id, "192.0.2.1", t0);
    await touchToken(created.id, "192.0.2.1", new Date(t0.getTime() + 30_000));
    expect(await read()).toMatchObject({ lastUsedAt: t0, lastUsedIp: "192.0.2.1" });
    await touchToken(created.id, "2001:db8::5", new Date(t0.getTime() + 40_000));
    expect(await read()).toMatchObject({ lastUsedAt: new Date(t0.getTime() + 40_000), lastUsedIp: "2001:db8::5" });
    await touchToken(created.id, "2001:db8::5", new Date(t0.getTime() + 101_000));
    expect((await read()).lastUsedAt?.getTime()).toBe(t0.getTime() + 101_000);
  });
});

describe("API tokens through the REST API", () => {
  it("a token answers 200 until it is revoked, then 401", async () => {
    const caller = await newAdminCaller();
    const created = await createApiToken(caller, { name: "auditor", role: "VIEWER" });
    const ok = await getAudit(apiRequest("/api/v1/audit?limit=1", created.token), noParams);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ items: expect.any(Array) });

    await revokeApiToken(caller, created.id);
    const refused = await getAudit(apiRequest("/api/v1/audit?limit=1", created.token), noParams);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toMatch(/revoked/);
  });

  it("answers 401 without a token or with a malformed one, and 403 for a role without the permission", async () => {
    expect((await getAudit(apiRequest("/api/v1/audit", "rmp_not-a-real-token"), noParams)).status).toBe(401);
    expect((await getAudit(apiRequest("/api/v1/audit", "has spaces"), noParams)).status).toBe(401);
    const caller = await newAdminCaller();
    const tenant = await getDb().tenant.create({ data: { name: `tokens-it-${randomUUID()}` } });
    const tenantToken = await createApiToken(caller, { name: "tenant", role: "TENANT_ADMIN", tenantId: tenant.id });
    expect((await getAudit(apiRequest("/api/v1/audit", tenantToken.token), noParams)).status).toBe(403);
    expect((await listTokensRoute(apiRequest("/api/v1/tokens", tenantToken.token), noParams)).status).toBe(403);
  });

  it("creates (201, secret once), reads, lists and revokes (204) tokens; bad input is 422 and changes nothing", async () => {
    const caller = await newAdminCaller();
    const admin = await createApiToken(caller, { name: "automation", role: "ADMIN" });

    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await createTokenRoute(apiRequest("/api/v1/tokens", admin.token, { method: "POST", body: { name: "from-api", role: "VIEWER", expiresAt: inAMonth } }), noParams);
    expect(created.status).toBe(201);
    const body = await created.json();
    // Made with a token: it belongs to that token's owner, and dies with them.
    expect(body).toMatchObject({ name: "from-api", role: "VIEWER", status: "active", expiresAt: `${inAMonth}T00:00:00.000Z`, createdBy: caller.actor.label });
    expect(await findActiveToken(body.token)).not.toBeNull();

    const read = await getTokenRoute(apiRequest(`/api/v1/tokens/${body.id}`, admin.token), { params: Promise.resolve({ id: body.id }) });
    expect(await read.json()).not.toHaveProperty("token");

    const before = await getDb().apiToken.count();
    for (const bad of [
      { name: "", role: "VIEWER" },
      { name: "x", role: "ROOT" },
      { name: "x", role: "TENANT_ADMIN" },
      { name: "x", role: "VIEWER", expiresAt: "2001-01-01T00:00:00Z" },
      { name: "x", role: "VIEWER", expiresAt: "tomorrow" },
      { name: "x", role: "VIEWER", expiresAt: "2099-01-01" },
    ]) {
      const response = await createTokenRoute(apiRequest("/api/v1/tokens", admin.token, { method: "POST", body: bad }), noParams);
      expect(response.status, JSON.stringify(bad)).toBe(422);
      expect((await response.json()).error).toEqual(expect.any(String));
    }
    expect(await getDb().apiToken.count()).toBe(before);

    const list = await listTokensRoute(apiRequest("/api/v1/tokens?limit=oops", admin.token), noParams);
    expect(list.status).toBe(422);
    const unknownParameter = await listTokensRoute(apiRequest("/api/v1/tokens?limt=5", admin.token), noParams);
    expect(unknownParameter.status).toBe(422);

    const revoked = await revokeRoute(apiRequest(`/api/v1/tokens/${body.id}`, admin.token, { method: "DELETE" }), { params: Promise.resolve({ id: body.id }) });
    expect(revoked.status).toBe(204);
    expect(await findActiveToken(body.token)).toBeNull();
    const again = await revokeRoute(apiRequest(`/api/v1/tokens/${body.id}`, admin.token, { method: "DELETE" }), { params: Promise.resolve({ id: body.id }) });
    expect(again.status).toBe(409);
    const notAnId = await revokeRoute(apiRequest("/api/v1/tokens/42", admin.token, { method: "DELETE" }), { params: Promise.resolve({ id: "42" }) });
    expect(notAnId.status).toBe(404);
  });
});

describe("API tokens belong to their owner", () => {
  const tokenRequest = (token: string) => getAudit(apiRequest("/api/v1/audit?limit=1", token), noParams);
  const revocationsOf = (tokenIds: string[]) =>
    getDb().auditLog.findMany({ where: { action: "token.revoke", objectId: { in: tokenIds } }, orderBy: { id: "asc" } });

  async function ownerWithTokens(count = 2) {
    const owner = await createUser(SYSTEM_ACTOR, { email: `token-owner-${randomUUID()}@tokens.test`, role: "ADMIN", password: "correct horse battery staple" });
    const ownerCaller = callerFromUser(owner, "198.51.100.8");
    const tokens = [];
    for (let i = 0; i < count; i++) tokens.push(await createApiToken(ownerCaller, { name: `owned-${i}`, role: "ADMIN" }));
    return { owner, tokens };
  }

  it("a token is refused at once while its owner is disabled, however the flag was set", async () => {
    const { owner, tokens } = await ownerWithTokens(1);
    const [token] = tokens;
    expect((await tokenRequest(token!.token)).status).toBe(200);
    // Straight in the database: no revocation ran, the check on every request is what refuses it.
    await getDb().user.update({ where: { id: owner.id }, data: { disabled: true } });
    expect((await tokenRequest(token!.token)).status).toBe(401);
    expect(await findActiveToken(token!.token)).toBeNull();
  });

  it("disabling the owner revokes every token of theirs for good, one audit row each", async () => {
    const admin = await newAdminCaller();
    const { owner, tokens } = await ownerWithTokens(2);
    const bystander = await createApiToken(admin, { name: "bystander", role: "VIEWER" });
    await setUserDisabled(admin, owner.id, true);
    for (const token of tokens) expect((await tokenRequest(token.token)).status).toBe(401);
    const rows = await revocationsOf(tokens.map((t) => t.id));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ actorType: "USER", actorId: admin.actor.id, before: { revokedAt: null } });
      expect(row.after).toMatchObject({ reason: "owner-disabled", revokedAt: expect.any(String) });
    }
    // Enabling the account again does not bring the tokens back; other users' tokens were not touched.
    await setUserDisabled(admin, owner.id, false);
    for (const token of tokens) expect(await findActiveToken(token.token)).toBeNull();
    expect(await findActiveToken(bystander.token)).not.toBeNull();
  });

  it("deleting the owner, a role change and signing out everywhere revoke the owner's tokens, audited", async () => {
    const admin = await newAdminCaller();
    const deleted = await ownerWithTokens(1);
    await deleteUser(admin, deleted.owner.id);
    expect(await findActiveToken(deleted.tokens[0]!.token)).toBeNull();
    expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: deleted.tokens[0]!.id } })).revokedAt).not.toBeNull();

    const demoted = await ownerWithTokens(1);
    await updateUser(admin, demoted.owner.id, { role: "VIEWER" });
    expect(await findActiveToken(demoted.tokens[0]!.token)).toBeNull();

    const leaving = await ownerWithTokens(2);
    const result = await signOutEverywhere(leaving.owner, "198.51.100.9");
    expect(result.tokensRevoked).toBe(2);
    for (const token of leaving.tokens) expect(await findActiveToken(token.token)).toBeNull();

    const reasons = (await revocationsOf([deleted.tokens[0]!.id, demoted.tokens[0]!.id, ...leaving.tokens.map((t) => t.id)])).map(
      (row) => (row.after as { reason?: string }).reason,
    );
    expect(reasons).toEqual(["owner-deleted", "owner-role-changed", "owner-signed-out-everywhere", "owner-signed-out-everywhere"]);
    const [signOutEntry] = await getDb().auditLog.findMany({ where: { action: "user.sign-out-everywhere", objectId: leaving.owner.id } });
    expect(signOutEntry?.after).toMatchObject({ tokensRevoked: 2 });
  });

  it("a CLI token belongs to nobody unless the CLI names an owner; a signed-in caller cannot name one", async () => {
    const cliActor = { type: "CLI" as const, id: null, label: "cli" };
    const cli = await createApiToken(cliActor, { name: "cli", role: "VIEWER" });
    expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: cli.id } })).createdById).toBeNull();
    expect(await findActiveToken(cli.token)).not.toBeNull();

    const admin = await newAdminCaller();
    const { owner } = await ownerWithTokens(0);
    const owned = await createApiToken(cliActor, { name: "cli-owned", role: "VIEWER", ownerId: owner.id });
    expect((await rejection(createApiToken(admin, { name: "x", role: "VIEWER", ownerId: owner.id }))).code).toBe("FORBIDDEN");
    expect((await rejection(createApiToken(cliActor, { name: "x", role: "VIEWER", ownerId: randomUUID() }))).code).toBe("VALIDATION");
    await setUserDisabled(admin, owner.id, true);
    expect(await findActiveToken(owned.token)).toBeNull();
    expect(await findActiveToken(cli.token)).not.toBeNull();
  });
});

describe("the token lifetime", () => {
  const DAY = 86_400_000;

  it("every token expires: the lifetime is the default and the longest allowed expiry", async () => {
    const caller = await newAdminCaller();
    const before = await getTokenSettings(caller);
    try {
      await updateTokenSettings(caller, { lifetimeDays: 10 });
      const plain = await createApiToken(caller, { name: "default-expiry", role: "VIEWER" });
      const expiresAt = (await getDb().apiToken.findUniqueOrThrow({ where: { id: plain.id } })).expiresAt!;
      expect(Math.abs(expiresAt.getTime() - (Date.now() + 10 * DAY))).toBeLessThan(60_000);
      const cli = await createApiToken({ type: "CLI", id: null, label: "cli" }, { name: "cli-default", role: "VIEWER" });
      expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: cli.id } })).expiresAt).not.toBeNull();

      const tooLong = await rejection(createApiToken(caller, { name: "too-long", role: "VIEWER", expiresAt: new Date(Date.now() + 11 * DAY) }));
      expect(tooLong.code).toBe("VALIDATION");
      expect(tooLong.fieldErrors?.expiresAt?.[0]).toContain("at most 10 days");
      await createApiToken(caller, { name: "shorter", role: "VIEWER", expiresAt: new Date(Date.now() + 3 * DAY) });

      const audit = await getDb().auditLog.findFirst({ where: { action: "settings.tokens.update", actorId: caller.actor.id } });
      expect(audit).toMatchObject({ before: { lifetimeDays: before.lifetimeDays }, after: { lifetimeDays: 10 } });
    } finally {
      await updateTokenSettings(caller, before);
    }
  });

  it("is read and set through /api/v1/settings/tokens by administrators only; bad values are 422", async () => {
    const caller = await newAdminCaller();
    const admin = await createApiToken(caller, { name: "settings", role: "ADMIN" });
    const viewer = await createApiToken(caller, { name: "viewer", role: "VIEWER" });
    const read = await getTokenSettingsRoute(apiRequest("/api/v1/settings/tokens", admin.token), noParams);
    expect(read.status).toBe(200);
    const current = await read.json();
    expect(current).toEqual({ lifetimeDays: expect.any(Number) });
    expect(read.headers.get("cache-control")).toBe("no-store");
    expect((await getTokenSettingsRoute(apiRequest("/api/v1/settings/tokens", viewer.token), noParams)).status).toBe(403);
    for (const bad of [{ lifetimeDays: 0 }, { lifetimeDays: 3651 }, { lifetimeDays: 1.5 }, { lifetimeDays: "30" }, {}, { lifetimeDays: 30, extra: 1 }]) {
      const response = await putTokenSettingsRoute(apiRequest("/api/v1/settings/tokens", admin.token, { method: "PUT", body: bad }), noParams);
      expect(response.status, JSON.stringify(bad)).toBe(422);
    }
    const put = await putTokenSettingsRoute(apiRequest("/api/v1/settings/tokens", admin.token, { method: "PUT", body: current }), noParams);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual(current);
  });
});

