import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";
import { PATCH as patchTenant } from "@/app/api/v1/tenants/[id]/route";
import { POST as postTenant } from "@/app/api/v1/tenants/route";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createApiToken } from "@/lib/db/queries/tokens";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";

// The tenant account code over HTTP against the real database: set on create, refused when another tenant holds
// it (409 naming the field) or when the guard could not key on it (422 naming the rule), cleared with null or "",
// written by ADMIN tokens only.

afterAll(async () => {
  await disconnectDb();
});

async function token(role: Role): Promise<string> {
  return (await createApiToken(SYSTEM_ACTOR, { name: `tenants-${randomUUID().slice(0, 8)}`, role })).token;
}

function request(path: string, method: string, bearer: string, body: unknown): NextRequest {
  return new NextRequest(`http://rampart.test${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", "x-rampart-client-ip": "203.0.113.9" },
    body: JSON.stringify(body),
  });
}

const create = (bearer: string, body: unknown) => postTenant(request("/api/v1/tenants", "POST", bearer, body), { params: Promise.resolve({}) });
const patch = (bearer: string, id: string, body: unknown) =>
  patchTenant(request(`/api/v1/tenants/${id}`, "PATCH", bearer, body), { params: Promise.resolve({ id }) });

describe("/api/v1/tenants account codes", () => {
  it("creates with an account code, refuses a taken one with 409 on its field, and clears it with null or an empty string", async () => {
    const admin = await token("ADMIN");
    const code = `it-${randomUUID().slice(0, 8)}`;
    const created = await create(admin, { name: `t-${randomUUID()}`, accountCode: code });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { id: string; name: string; accountCode: string | null };
    expect(tenant.accountCode).toBe(code);

    const duplicate = await create(admin, { name: `t-${randomUUID()}`, accountCode: code });
    expect(duplicate.status).toBe(409);
    const body = (await duplicate.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(body.error).toContain(`The account code "${code}" already belongs to the tenant "${tenant.name}"`);
    expect(Object.keys(body.fieldErrors)).toEqual(["accountCode"]);

    const other = (await (await create(admin, { name: `t-${randomUUID()}` })).json()) as { id: string; accountCode: string | null };
    expect(other.accountCode).toBeNull();
    expect((await patch(admin, other.id, { accountCode: code })).status).toBe(409);

    const cleared = await patch(admin, tenant.id, { accountCode: null });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { accountCode: string | null }).accountCode).toBeNull();
    expect(((await (await patch(admin, other.id, { accountCode: code })).json()) as { accountCode: string | null }).accountCode).toBe(code);
    expect(((await (await patch(admin, other.id, { accountCode: "" })).json()) as { accountCode: string | null }).accountCode).toBeNull();
    expect((await getDb().tenant.findUniqueOrThrow({ where: { id: other.id } })).accountCode).toBeNull();
  });

  it("answers an account code the guard cannot key on with 422 naming the rule, and lets only ADMIN tokens write it", async () => {
    const admin = await token("ADMIN");
    const name = `t-${randomUUID()}`;
    for (const bad of ["two words", "x".repeat(41), 42]) {
      const response = await create(admin, { name, accountCode: bad });
      expect(response.status, String(bad)).toBe(422);
      const body = (await response.json()) as { fieldErrors: Record<string, string[]> };
      expect(body.fieldErrors.accountCode?.[0]).toMatch(/^Account code/);
    }
    expect(await getDb().tenant.count({ where: { name } })).toBe(0);

    const tenant = (await (await create(admin, { name })).json()) as { id: string };
    const operator = await token("OPERATOR");
    expect((await patch(operator, tenant.id, { accountCode: "stolen" })).status).toBe(403);
    expect((await create(operator, { name: `t-${randomUUID()}`, accountCode: "ops" })).status).toBe(403);
    expect((await getDb().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).accountCode).toBeNull();
  });
});
