import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as priceNumber } from "@/app/api/v1/call-limits/routes/[id]/price/route";
import { GET as exportRates } from "@/app/api/v1/call-limits/routes/[id]/rates/export/route";
import { POST as importRates } from "@/app/api/v1/call-limits/routes/[id]/rates/import/route";
import { GET as listRates } from "@/app/api/v1/call-limits/routes/[id]/rates/route";
import type { Role } from "@/lib/generated/prisma/enums";
import { SYSTEM_ACTOR } from "@/lib/db/queries/audit";
import { createRouteCostLimit } from "@/lib/db/queries/call-limits";
import { createTenant } from "@/lib/db/queries/tenants";
import { createApiToken } from "@/lib/db/queries/tokens";
import { getDb } from "@/lib/db/client";
import { routeCostLimitCreateSchema } from "@/lib/validation/call-limits";

// The rate routes over HTTP: role checks, 422 for every kind of bad input (never a 500), nothing stored on a bad line.

const admin = { role: "ADMIN" as const, tenantId: null, actor: SYSTEM_ACTOR };

async function token(role: Role): Promise<string> {
  const tenantId = role === "TENANT_ADMIN" ? (await createTenant(admin, { name: `t-${randomUUID()}`, description: "", autoWhitelistRestrictions: false })).id : undefined;
  return (await createApiToken(SYSTEM_ACTOR, { name: `rates-${randomUUID().slice(0, 8)}`, role, tenantId })).token;
}

async function newRoute() {
  const prefix = `00${Math.floor(Math.random() * 1e12)}`.slice(0, 15);
  return createRouteCostLimit(admin, routeCostLimitCreateSchema.parse({ name: `api-${randomUUID()}`, prefix, maxCostPerMinute: "1", currency: "USD" }));
}

function request(path: string, bearer: string, init: { method?: string; type?: string; body?: string } = {}): NextRequest {
  return new NextRequest(`http://rampart.test${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${bearer}`, ...(init.type ? { "content-type": init.type } : {}), "x-rampart-client-ip": "203.0.113.9" },
    body: init.body,
  });
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("rate routes", () => {
  it("imports CSV, refuses a file with a bad line (422, nothing stored), lists, exports and prices", async () => {
    const route = await newRoute();
    const operator = await token("OPERATOR");
    const base = `/api/v1/call-limits/routes/${route.id}`;

    const bad = await importRates(request(`${base}/rates/import`, operator, { method: "POST", type: "text/csv", body: "1,USA,0.1,60/60,0\n1212,NYC,abc,60/60,0\n" }), params(route.id));
    expect(bad.status).toBe(422);
    const badBody = await bad.json();
    expect(badBody).toMatchObject({ error: "1 line was rejected; nothing was stored. Fix it and import the whole file again.", isStored: false, rejectedCount: 1 });
    expect(badBody.rejected[0]).toMatchObject({ line: 2, reason: "Cost per minute must be a decimal amount such as 25 or 12.50." });

    const dry = await importRates(request(`${base}/rates/import?dryRun=true`, operator, { method: "POST", type: "text/csv", body: "1,USA,0.1,60/60,0\n" }), params(route.id));
    expect(await dry.json()).toMatchObject({ isDryRun: true, isStored: false, accepted: 1 });

    const good = await importRates(
      request(`${base}/rates/import`, operator, { method: "POST", type: "application/json", body: JSON.stringify({ text: "1,USA,0.1,60/60,0\n1212,NYC,0.05,6/6,0\n" }) }),
      params(route.id),
    );
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ isStored: true, accepted: 2, enforcement: expect.stringContaining("While the guard is off they only price calls and reports.") });

    const viewer = await token("VIEWER");
    const list = await (await listRates(request(`${base}/rates?limit=1`, viewer), params(route.id))).json();
    expect(list.items.map((r: { prefix: string }) => r.prefix)).toEqual(["1"]);
    expect(list.nextCursor).toEqual(expect.any(String));

    const exported = await exportRates(request(`${base}/rates/export`, viewer), params(route.id));
    expect(exported.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await exported.text()).toBe("prefix,description,cost_per_minute,increment,connection_fee\r\n1,USA,0.1,60/60,0\r\n1212,NYC,0.05,6/6,0\r\n");

    const price = await priceNumber(request(`${base}/price?number=%2B12125550100&duration=7`, viewer), params(route.id));
    expect(await price.json()).toMatchObject({ number: "12125550100", rate: { prefix: "1212" }, billedSeconds: 12, cost: "0.01", display: "$0.01" });
  });

  it("answers bad input with a clear 4xx, never a 500", async () => {
    const route = await newRoute();
    const operator = await token("OPERATOR");
    const base = `/api/v1/call-limits/routes/${route.id}`;
    const cases: [Promise<Response>, number, RegExp][] = [
      [priceNumber(request(`${base}/price`, operator), params(route.id)), 422, /Number must be text|Number is required/],
      [priceNumber(request(`${base}/price?number=44-20`, operator), params(route.id)), 422, /digits/],
      [priceNumber(request(`${base}/price?number=44&duration=-1`, operator), params(route.id)), 422, /whole number of seconds/],
      [priceNumber(request(`${base}/price?number=44`, operator), params(route.id)), 404, /No rate of the route/],
      [priceNumber(request(`/api/v1/call-limits/routes/nope/price?number=44`, operator), params("nope")), 404, /Not found/],
      [importRates(request(`${base}/rates/import`, operator, { method: "POST", type: "application/json", body: "{" }), params(route.id)), 400, /not valid JSON/],
      [importRates(request(`${base}/rates/import`, operator, { method: "POST", type: "application/json", body: JSON.stringify({ text: 5 }) }), params(route.id)), 422, /text must be/],
      [importRates(request(`${base}/rates/import`, operator, { method: "POST", type: "application/xml", body: "<x/>" }), params(route.id)), 400, /text\/csv/],
      [importRates(request(`${base}/rates/import?dryRun=maybe`, operator, { method: "POST", type: "text/csv", body: "1,A,0.1,60,0" }), params(route.id)), 422, /true or false/],
      [importRates(request(`${base}/rates/import`, operator, { method: "POST", type: "text/csv", body: "1,A\u0000,0.1,60,0" }), params(route.id)), 422, /U\+0000/],
    ];
    for (const [pending, status, message] of cases) {
      const response = await pending;
      const body = await response.json();
      expect([response.status, body.error]).toEqual([status, expect.stringMatching(message)]);
    }
  });

  it("refuses the import to viewers and tenant administrators, and every rate route to tenant administrators", async () => {
    const route = await newRoute();
    const base = `/api/v1/call-limits/routes/${route.id}`;
    const viewer = await token("VIEWER");
    const tenantAdmin = await token("TENANT_ADMIN");
    const body = { method: "POST", type: "text/csv", body: "1,USA,0.1,60/60,0\n" };
    expect((await importRates(request(`${base}/rates/import`, viewer, body), params(route.id))).status).toBe(403);
    expect((await importRates(request(`${base}/rates/import`, tenantAdmin, body), params(route.id))).status).toBe(403);
    expect((await listRates(request(`${base}/rates`, tenantAdmin), params(route.id))).status).toBe(403);
    expect((await exportRates(request(`${base}/rates/export`, tenantAdmin), params(route.id))).status).toBe(403);
    expect((await priceNumber(request(`${base}/price?number=1`, tenantAdmin), params(route.id))).status).toBe(403);
    expect(await getDb().routeRate.count({ where: { routeId: route.id } })).toBe(0);
  });
});
