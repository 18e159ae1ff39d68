import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { liftBlockOnCluster } from "@/lib/observe/lift-extension-block";
import { extensionBlockListSchema } from "@/lib/validation/extension-blocks";
import { expectAppError } from "@/test/app-error";
import { liftExtensionBlock, liftExtensionBlockOf, listExtensionBlocks } from "./extension-blocks";

// Extension blocks against the real database: rows seeded as the collector stores them, listed open first, lifted
// once (audited in the same transaction), refused a second time, and out of reach of other tenants and readers.

afterAll(async () => {
  await disconnectDb();
});

const caller = (role: Role, tenantId: string | null = null): Caller => ({
  role,
  tenantId,
  actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}-${randomUUID().slice(0, 6)}@test`, ip: null },
});
const admin = caller("ADMIN");

const code = () => `acct-${randomUUID().slice(0, 8)}`;

async function newTenant(accountCode: string | null) {
  return getDb().tenant.create({ data: { name: `blocks-${randomUUID()}`, accountCode }, select: { id: true, name: true } });
}

async function newBlock(accountCode: string, extension: string, blockedAt: Date, liftedAt: Date | null = null) {
  const node = await getDb().node.create({ data: { name: `it-blocks-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true, name: true } });
  const block = await getDb().extensionBlock.create({
    data: { accountCode, extension, nodeId: node.id, number: "0088213000001", blockedAt, liftedAt, liftedBy: liftedAt ? "earlier@test" : null },
  });
  return { ...block, nodeName: node.name };
}

const query = (input: Record<string, string> = {}) => extensionBlockListSchema.parse({ limit: "500", ...input });

describe("listExtensionBlocks", () => {
  it("lists open blocks first, each part newest first, with tenant and node; open=true keeps only open ones; pages", async () => {
    const account = code();
    const tenant = await newTenant(account);
    const at = (minutes: number) => new Date(Date.parse("2026-04-01T08:00:00.000Z") + minutes * 60_000);
    const oldOpen = await newBlock(account, "1001", at(1));
    const lifted = await newBlock(account, "1002", at(5), at(6));
    const newOpen = await newBlock(account, "1003", at(3));
    const tenantAdmin = caller("TENANT_ADMIN", tenant.id);

    const all = await listExtensionBlocks(tenantAdmin, query());
    expect(all.items.map((b) => b.extension)).toEqual(["1003", "1001", "1002"]);
    expect(all.items[0]).toMatchObject({ id: newOpen.id, tenantId: tenant.id, tenantName: tenant.name, nodeName: newOpen.nodeName, isOpen: true, liftedAt: null });
    expect(all.items[2]).toMatchObject({ id: lifted.id, isOpen: false, liftedBy: "earlier@test" });
    expect(all.nextCursor).toBeNull();

    const open = await listExtensionBlocks(tenantAdmin, query({ open: "true" }));
    expect(open.items.map((b) => b.id)).toEqual([newOpen.id, oldOpen.id]);

    const seen: string[] = [];
    let cursor: string | null = "";
    for (let pages = 0; cursor !== null && pages < 5; pages++) {
      const page = await listExtensionBlocks(tenantAdmin, query({ limit: "1", ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items.map((b) => b.extension));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["1003", "1001", "1002"]);
    await expectAppError(listExtensionBlocks(tenantAdmin, query({ cursor: "bm90LWEtY3Vyc29y" })), "VALIDATION");
  });

  it("shows a tenant administrator only the tenant's account code, and nothing when the tenant has none", async () => {
    const [mine, theirs] = [code(), code()];
    const tenant = await newTenant(mine);
    const withoutCode = await newTenant(null);
    await newBlock(mine, "2001", new Date());
    const other = await newBlock(theirs, "2002", new Date());

    const own = await listExtensionBlocks(caller("TENANT_ADMIN", tenant.id), query());
    expect(own.items.map((b) => b.accountCode)).toEqual([mine]);
    expect((await listExtensionBlocks(caller("TENANT_ADMIN", withoutCode.id), query())).items).toEqual([]);
    // Platform roles see every tenant's blocks, the read-only one too.
    expect((await listExtensionBlocks(caller("VIEWER"), query())).items.map((b) => b.id)).toContain(other.id);
  });
});

describe("liftExtensionBlock", () => {
  it("lifts an open block with the caller as lifted_by, audits it in the same transaction, and refuses a second lift", async () => {
    const block = await newBlock(code(), "3001", new Date("2026-04-02T10:00:00.000Z"));
    const operator = caller("OPERATOR");
    const now = new Date("2026-04-02T11:00:00.000Z");

    const lifted = await liftExtensionBlock(operator, block.id.toUpperCase(), now);
    expect(lifted).toMatchObject({ id: block.id, liftedAt: now, liftedBy: operator.actor.label, isOpen: false });
    const stored = await getDb().extensionBlock.findUniqueOrThrow({ where: { id: block.id } });
    expect(stored).toMatchObject({ liftedAt: now, liftedBy: operator.actor.label });
    const audit = await getDb().auditLog.findMany({ where: { objectId: block.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "extension-block.lift",
      objectType: "extension-block",
      actorLabel: operator.actor.label,
      after: { liftedAt: now.toISOString(), liftedBy: operator.actor.label },
    });
    expect(audit[0]?.before).toMatchObject({ accountCode: block.accountCode, extension: "3001", liftedAt: null });

    await expectAppError(liftExtensionBlock(admin, block.id), "CONFLICT", /already lifted on 2026-04-02T11:00:00.000Z by operator-/);
    expect(await getDb().auditLog.count({ where: { objectId: block.id } })).toBe(1);
    await expectAppError(liftExtensionBlock(admin, randomUUID()), "NOT_FOUND");
    await expectAppError(liftExtensionBlock(admin, "not-an-id"), "NOT_FOUND");
  });

  it("lets a tenant administrator lift only the tenant's own blocks; another tenant's answers NOT_FOUND and stays open", async () => {
    const [mine, theirs] = [code(), code()];
    const tenant = await newTenant(mine);
    const withoutCode = await newTenant(null);
    const own = await newBlock(mine, "4001", new Date());
    const other = await newBlock(theirs, "4001", new Date());
    const tenantAdmin = caller("TENANT_ADMIN", tenant.id);

    await expectAppError(liftExtensionBlock(tenantAdmin, other.id), "NOT_FOUND", /does not exist/);
    await expectAppError(liftExtensionBlockOf(tenantAdmin, { accountCode: theirs, extension: "4001" }), "NOT_FOUND");
    await expectAppError(liftExtensionBlock(caller("TENANT_ADMIN", withoutCode.id), other.id), "NOT_FOUND");
    expect((await getDb().extensionBlock.findUniqueOrThrow({ where: { id: other.id } })).liftedAt).toBeNull();

    expect((await liftExtensionBlock(tenantAdmin, own.id)).isOpen).toBe(false);
  });

  it("refuses readers: viewers may list but not lift", async () => {
    const block = await newBlock(code(), "5001", new Date());
    await expectAppError(liftExtensionBlock(caller("VIEWER"), block.id), "FORBIDDEN");
    await expectAppError(liftExtensionBlockOf(caller("VIEWER"), { accountCode: block.accountCode, extension: "5001" }), "FORBIDDEN");
    expect((await getDb().extensionBlock.findUniqueOrThrow({ where: { id: block.id } })).liftedAt).toBeNull();
  });
});

describe("liftExtensionBlockOf and liftBlockOnCluster", () => {
  it("lifts the open block of an account code's extension, leaves earlier lifted ones alone, and then syncs the cluster", async () => {
    const account = code();
    const earlier = await newBlock(account, "6001", new Date("2026-04-01T00:00:00.000Z"), new Date("2026-04-01T01:00:00.000Z"));
    const open = await newBlock(account, "6001", new Date("2026-04-03T00:00:00.000Z"));
    let synced = 0;
    const sync = async () => {
      synced++;
      return [
        { nodeId: randomUUID(), ok: true },
        { nodeId: randomUUID(), ok: false, error: "unreachable" },
      ];
    };

    const result = await liftBlockOnCluster(admin, { accountCode: account, extension: "6001" }, sync);
    expect(result.block.id).toBe(open.id);
    expect(result.nodes).toEqual({ updated: 1, pending: 1 });
    expect(synced).toBe(1);
    expect((await getDb().extensionBlock.findUniqueOrThrow({ where: { id: earlier.id } })).liftedBy).toBe("earlier@test");

    await expectAppError(liftBlockOnCluster(admin, { accountCode: account, extension: "6001" }, sync), "NOT_FOUND", /is not blocked/);
    expect(synced).toBe(1);
    // A failing sync does not undo the stored lift.
    const another = await newBlock(account, "6002", new Date());
    const failed = await liftBlockOnCluster(admin, { id: another.id }, () => Promise.reject(new Error("pool down")));
    expect(failed.nodes).toEqual({ updated: 0, pending: 0 });
    expect((await getDb().extensionBlock.findUniqueOrThrow({ where: { id: another.id } })).liftedAt).not.toBeNull();
  });
});
