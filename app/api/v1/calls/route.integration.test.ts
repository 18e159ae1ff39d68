import { createHash, randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";
import { GET as listCalls } from "@/app/api/v1/calls/route";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createApiToken } from "@/lib/db/queries/tokens";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { CallDisposition, CallGuardOutcome, Role } from "@/lib/generated/prisma/enums";

// GET /api/v1/calls over HTTP against the real database: rows seeded straight into call_records (as the collector
// stores them), listed newest first with the call guard's decision and exact cost, filtered by node and account code,
// paged with the cursor; tenant administrators limited to their tenant's account code; every kind of bad input a
// 4xx, never a 500.

afterAll(async () => {
  await disconnectDb();
});

async function token(role: Role, accountCode: string | null = null): Promise<string> {
  const tenantId = role === "TENANT_ADMIN" ? (await getDb().tenant.create({ data: { name: `t-${randomUUID()}`, accountCode }, select: { id: true } })).id : undefined;
  return (await createApiToken(SYSTEM_ACTOR, { name: `calls-${randomUUID().slice(0, 8)}`, role, tenantId })).token;
}

async function newNode(): Promise<string> {
  return (await getDb().node.create({ data: { name: `it-calls-${randomUUID()}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true } })).id;
}

interface Seed {
  nodeId: string;
  accountCode: string;
  startedAt: Date;
  destination?: string;
  disposition?: CallDisposition;
  guard?: { outcome: CallGuardOutcome; reason: string | null; extension: string; cost?: string; currency?: string; userField: string };
}

async function insertCalls(seeds: Seed[]): Promise<void> {
  await getDb().callRecord.createMany({
    data: seeds.map((s) => {
      const uniqueId = `${s.startedAt.getTime() / 1000}.${randomUUID().slice(0, 6)}`;
      return {
        nodeId: s.nodeId,
        uniqueId,
        recordDigest: createHash("sha256").update(uniqueId).digest("hex"),
        accountCode: s.accountCode,
        source: "1001",
        destination: s.destination ?? "4420794600000",
        context: "from-internal",
        callerId: '"Desk" <1001>',
        channel: "PJSIP/1001-00000001",
        dstChannel: "PJSIP/carrier-00000002",
        lastApp: "Dial",
        startedAt: s.startedAt,
        answeredAt: s.disposition === "ANSWERED" || s.disposition === undefined ? new Date(s.startedAt.getTime() + 5_000) : null,
        endedAt: new Date(s.startedAt.getTime() + 65_000),
        durationSeconds: 65,
        billSeconds: s.disposition === "ANSWERED" || s.disposition === undefined ? 60 : 0,
        disposition: s.disposition ?? "ANSWERED",
        userField: s.guard?.userField ?? "",
        guardOutcome: s.guard?.outcome ?? null,
        guardReason: s.guard?.reason ?? null,
        guardExtension: s.guard?.extension ?? null,
        cost: s.guard?.cost ?? null,
        currency: s.guard?.currency ?? null,
      };
    }),
  });
}

function request(query: string, bearer: string): NextRequest {
  return new NextRequest(`http://rampart.test/api/v1/calls${query}`, { headers: { authorization: `Bearer ${bearer}`, "x-rampart-client-ip": "203.0.113.9" } });
}

const noParams = { params: Promise.resolve({}) };
const get = (query: string, bearer: string) => listCalls(request(query, bearer), noParams);
type Item = { id: string; nodeId: string; accountCode: string; destination: string; startedAt: string; billSeconds: number; disposition: string };

describe("GET /api/v1/calls", () => {
  it("lists the stored records newest first, filters by node and account code, and pages with the cursor", async () => {
    const [nodeA, nodeB] = [await newNode(), await newNode()];
    const account = `acct-${randomUUID().slice(0, 8)}`;
    const t0 = Date.parse("2026-03-01T10:00:00.000Z");
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    await insertCalls([
      { nodeId: nodeA, accountCode: account, startedAt: at(1), destination: "491701" },
      { nodeId: nodeA, accountCode: account, startedAt: at(2), destination: "491702", disposition: "BUSY" },
      // Two records in the same millisecond: the id breaks the tie, so paging neither skips nor repeats one.
      { nodeId: nodeA, accountCode: account, startedAt: at(3), destination: "491703" },
      { nodeId: nodeA, accountCode: account, startedAt: at(3), destination: "491704" },
      { nodeId: nodeB, accountCode: account, startedAt: at(4), destination: "491705" },
      { nodeId: nodeA, accountCode: `${account}-other`, startedAt: at(5), destination: "491706" },
    ]);
    const viewer = await token("VIEWER");

    const all = await get(`?accountCode=${account}`, viewer);
    expect(all.status).toBe(200);
    const body = (await all.json()) as { items: Item[]; nextCursor: string | null };
    expect(body.items.map((c) => c.destination)).toEqual(["491705", "491704", "491703", "491702", "491701"]);
    expect(body.nextCursor).toBeNull();
    expect(body.items[3]).toMatchObject({ nodeId: nodeA, accountCode: account, disposition: "BUSY", billSeconds: 0, startedAt: at(2).toISOString() });
    expect(body.items[0]).not.toHaveProperty("recordDigest");

    const onA = (await (await get(`?accountCode=${account}&nodeId=${nodeA.toUpperCase()}`, viewer)).json()) as { items: Item[] };
    expect(onA.items.map((c) => c.destination)).toEqual(["491704", "491703", "491702", "491701"]);
    const onB = (await (await get(`?nodeId=${nodeB}`, viewer)).json()) as { items: Item[] };
    expect(onB.items.map((c) => c.destination)).toEqual(["491705"]);

    const operator = await token("OPERATOR");
    const seen: string[] = [];
    let cursor: string | null = "";
    for (let pages = 0; cursor !== null && pages < 5; pages++) {
      const response = await get(`?accountCode=${account}&nodeId=${nodeA}&limit=3${cursor ? `&cursor=${cursor}` : ""}`, operator);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Item[]; nextCursor: string | null };
      seen.push(...page.items.map((c) => c.destination));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["491704", "491703", "491702", "491701"]);

    const unknown = (await (await get(`?accountCode=${account}-nobody`, operator)).json()) as { items: Item[]; nextCursor: string | null };
    expect(unknown).toEqual({ items: [], nextCursor: null });
  });

  it("gives each record the guard's outcome, reason, extension and exact cost", async () => {
    const node = await newNode();
    const account = `acct-${randomUUID().slice(0, 8)}`;
    const t0 = Date.parse("2026-03-02T10:00:00.000Z");
    await insertCalls([
      {
        nodeId: node,
        accountCode: account,
        startedAt: new Date(t0),
        destination: "4930111",
        guard: { outcome: "ALLOW", reason: null, extension: "1001", cost: "0.1234", currency: "EUR", userField: "rampart-guard allow" },
      },
      {
        nodeId: node,
        accountCode: account,
        startedAt: new Date(t0 + 60_000),
        destination: "4930222",
        disposition: "FAILED",
        guard: { outcome: "REFUSE", reason: "extension-daily", extension: "1001", userField: "rampart-guard refuse extension-daily" },
      },
      { nodeId: node, accountCode: account, startedAt: new Date(t0 + 120_000), destination: "4930333" },
    ]);
    const body = (await (await get(`?accountCode=${account}`, await token("VIEWER"))).json()) as { items: Record<string, unknown>[] };
    expect(body.items.map((c) => [c.destination, c.guardOutcome, c.guardReason, c.guardExtension, c.cost, c.currency])).toEqual([
      ["4930333", null, null, null, null, null],
      ["4930222", "REFUSE", "extension-daily", "1001", null, null],
      ["4930111", "ALLOW", null, "1001", "0.1234", "EUR"],
    ]);
    expect(body.items[1]).toMatchObject({ userField: "rampart-guard refuse extension-daily", nodeName: expect.stringMatching(/^it-calls-/) });
  });

  it("gives tenant administrators only their tenant's account code (none without one), and refuses unknown tokens", async () => {
    const node = await newNode();
    const [mine, theirs] = [`acct-${randomUUID().slice(0, 8)}`, `acct-${randomUUID().slice(0, 8)}`];
    const t0 = Date.parse("2026-03-03T10:00:00.000Z");
    await insertCalls([
      { nodeId: node, accountCode: mine, startedAt: new Date(t0), destination: "331" },
      { nodeId: node, accountCode: theirs, startedAt: new Date(t0 + 1_000), destination: "332" },
    ]);
    const tenantAdmin = await token("TENANT_ADMIN", mine);
    const own = (await (await get("", tenantAdmin)).json()) as { items: Item[] };
    expect(own.items.map((c) => c.destination)).toEqual(["331"]);
    // Asking for another account code narrows, never widens: the tenant's own filter still applies.
    const other = await get(`?accountCode=${theirs}`, tenantAdmin);
    expect(other.status).toBe(200);
    expect(((await other.json()) as { items: Item[] }).items).toEqual([]);
    const withoutCode = await get("", await token("TENANT_ADMIN"));
    expect(withoutCode.status).toBe(200);
    expect(await withoutCode.json()).toEqual({ items: [], nextCursor: null });
    expect((await get("", "rmp_not-a-token")).status).toBe(401);
  });

  it("answers bad input with a 4xx and a message, never a 500", async () => {
    const viewer = await token("VIEWER");
    const cases: [string, number, RegExp][] = [
      ["?cursor=not-a-cursor!", 422, /cursor is not valid/],
      ["?cursor=abc", 422, /cursor is not valid/],
      [`?cursor=${Buffer.from(JSON.stringify(["2026-13-01T00:00:00.000Z", "1"])).toString("base64url")}`, 422, /cursor is not valid/],
      [`?cursor=${Buffer.from(JSON.stringify(["2026-03-01T00:00:00.000Z", "99999999999999999999"])).toString("base64url")}`, 422, /cursor is not valid/],
      ["?limit=0", 422, /limit must be a whole number from 1 to 500/],
      ["?limit=501", 422, /limit/],
      ["?limit=ten", 422, /limit/],
      ["?nodeId=node-a", 422, /nodeId must be a node id/],
      [`?accountCode=${"x".repeat(257)}`, 422, /accountCode is too long/],
      ["?accountCode=a%00b", 422, /U\+0000/],
      ["?account=1", 422, /account/],
    ];
    for (const [query, status, message] of cases) {
      const response = await get(query, viewer);
      expect(response.status, query).toBe(status);
      expect((await response.json()).error, query).toMatch(message);
    }
  });
});
