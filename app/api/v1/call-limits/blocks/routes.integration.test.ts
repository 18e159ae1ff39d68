import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";
import { POST as liftBlock } from "@/app/api/v1/call-limits/blocks/[id]/lift/route";
import { GET as listBlocks } from "@/app/api/v1/call-limits/blocks/route";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createApiToken } from "@/lib/db/queries/tokens";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";

// GET /api/v1/call-limits/blocks and POST /api/v1/call-limits/blocks/{id}/lift over HTTP against the real database:
// blocks seeded as the collector stores them, listed open first, lifted once by a token (named as lifted_by and in
// the audit log), a second lift 409, other tenants' blocks 404, viewers 403, bad input 4xx.

afterAll(async () => {
  await disconnectDb();
});

async function token(role: Role, accountCode: string | null = null): Promise<{ token: string; name: string }> {
  const tenantId = role === "TENANT_ADMIN" ? (await getDb().tenant.create({ data: { name: `t-${randomUUID()}`, accountCode }, select: { id: true } })).id : undefined;
  const name = `blocks-${randomUUID().slice(0, 8)}`;
  return { token: (await createApiToken(SYSTEM_ACTOR, { name, role, tenantId })).token, name };
}

const code = () => `acct-${randomUUID().slice(0, 8)}`;

async function newBlock(accountCode: string, extension: string, blockedAt = new Date(), liftedAt: Date | null = null) {
  return getDb().extensionBlock.create({ data: { accountCode, extension, number: "0088213000001", blockedAt, liftedAt, liftedBy: liftedAt ? "earlier@test" : null } });
}

const headers = (bearer: string) => ({ authorization: `Bearer ${bearer}`, "x-rampart-client-ip": "203.0.113.9" });
const get = (query: string, bearer: string) =>
  listBlocks(new NextRequest(`http://rampart.test/api/v1/call-limits/blocks${query}`, { headers: headers(bearer) }), { params: Promise.resolve({}) });
const lift = (id: string, bearer: string) =>
  liftBlock(new NextRequest(`http://rampart.test/api/v1/call-limits/blocks/${id}/lift`, { method: "POST", headers: headers(bearer) }), { params: Promise.resolve({ id }) });

type Block = { id: string; extension: string; isOpen: boolean; liftedBy: string | null; tenantName: string | null };

describe("/api/v1/call-limits/blocks", () => {
  it("lists a tenant's blocks open first, lifts one (audited, lifted_by the token) and refuses a second lift with 409", async () => {
    const account = code();
    const lifted = await newBlock(account, "1001", new Date("2026-04-01T08:05:00.000Z"), new Date("2026-04-01T09:00:00.000Z"));
    const open = await newBlock(account, "1002", new Date("2026-04-01T08:00:00.000Z"));
    await newBlock(code(), "1003");
    const admin = await token("TENANT_ADMIN", account);

    const listed = await get("", admin.token);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: Block[]; nextCursor: string | null };
    expect(body.items.map((b) => [b.id, b.isOpen])).toEqual([
      [open.id, true],
      [lifted.id, false],
    ]);
    const onlyOpen = (await (await get("?open=true", admin.token)).json()) as { items: Block[] };
    expect(onlyOpen.items.map((b) => b.id)).toEqual([open.id]);

    const response = await lift(open.id, admin.token);
    expect(response.status).toBe(200);
    const result = (await response.json()) as { block: Block; nodes: { updated: number; pending: number } };
    expect(result.block).toMatchObject({ id: open.id, isOpen: false, liftedBy: `token:${admin.name}` });
    expect(result.nodes).toMatchObject({ updated: expect.any(Number), pending: expect.any(Number) });
    const audit = await getDb().auditLog.findFirstOrThrow({ where: { objectId: open.id } });
    expect(audit).toMatchObject({ action: "extension-block.lift", actorType: "TOKEN", actorLabel: `token:${admin.name}`, ip: "203.0.113.9" });

    const again = await lift(open.id, admin.token);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/already lifted/);
    expect((await (await get("?open=true", admin.token)).json()).items).toEqual([]);
  });

  it("answers another tenant's block 404 and a viewer's lift 403, leaving the block open", async () => {
    const other = await newBlock(code(), "2001");
    const tenantAdmin = await token("TENANT_ADMIN", code());
    expect((await lift(other.id, tenantAdmin.token)).status).toBe(404);
    expect(((await (await get("", tenantAdmin.token)).json()) as { items: Block[] }).items).toEqual([]);
    const withoutCode = await token("TENANT_ADMIN");
    expect((await lift(other.id, withoutCode.token)).status).toBe(404);

    const viewer = await token("VIEWER");
    expect(((await (await get("?open=true&limit=500", viewer.token)).json()) as { items: Block[] }).items.map((b) => b.id)).toContain(other.id);
    expect((await lift(other.id, viewer.token)).status).toBe(403);
    expect((await getDb().extensionBlock.findUniqueOrThrow({ where: { id: other.id } })).liftedAt).toBeNull();

    const operator = await token("OPERATOR");
    expect((await lift(other.id, operator.token)).status).toBe(200);
  });

  it("answers bad input with a 4xx and a message, never a 500", async () => {
    const viewer = (await token("VIEWER")).token;
    const cases: [string, number, RegExp][] = [
      ["?open=yes", 422, /open must be true or false/],
      ["?limit=0", 422, /limit must be a whole number from 1 to 500/],
      ["?cursor=abc", 422, /cursor is not valid/],
      [`?cursor=${Buffer.from(JSON.stringify(["open", "2026-13-01T00:00:00.000Z", randomUUID()])).toString("base64url")}`, 422, /cursor is not valid/],
      [`?cursor=${Buffer.from(JSON.stringify(["maybe", "2026-03-01T00:00:00.000Z", randomUUID()])).toString("base64url")}`, 422, /cursor is not valid/],
      ["?status=open", 422, /status/],
    ];
    for (const [query, status, message] of cases) {
      const response = await get(query, viewer);
      expect(response.status, query).toBe(status);
      expect((await response.json()).error, query).toMatch(message);
    }
    const operator = await token("OPERATOR");
    expect((await lift("not-a-uuid", operator.token)).status).toBe(404);
    expect((await lift(randomUUID(), operator.token)).status).toBe(404);
    expect((await lift(randomUUID(), "rmp_not-a-token")).status).toBe(401);
  });
});
