import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { parseRateCsv } from "@/lib/rates/csv";
import { routeCostLimitCreateSchema } from "@/lib/validation/call-limits";
import { expectAppError } from "@/test/app-error";
import { createRouteCostLimit, getRouteCostLimitByName, updateRouteCostLimit } from "./call-limits";
import { countRouteRates, exportRouteRates, importRouteRates, listRouteRates, priceRouteNumber } from "./route-rates";

const caller = (role: Role, tenantId: string | null = null): Caller => ({
  role,
  tenantId,
  actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}@test`, ip: null },
});
const admin = caller("ADMIN");
const operator = caller("OPERATOR");
const viewer = caller("VIEWER");
const tenantAdmin = caller("TENANT_ADMIN", randomUUID());

async function newRoute(currency = "EUR") {
  const prefix = `00${Math.floor(Math.random() * 1e12)}`.slice(0, 15);
  return createRouteCostLimit(admin, routeCostLimitCreateSchema.parse({ name: `route-${randomUUID()}`, prefix, maxCostPerMinute: "1", currency }));
}

const DECK = [
  "prefix,description,cost_per_minute,increment,connection_fee",
  "44,United Kingdom,0.0125,60/60,0",
  "447,UK mobile,0.085,30/6,0.05",
  "4420,London,0.01,1/1,0",
  "+1,North America,0.1,60/60,0.1",
].join("\n");

describe("route rate tables", () => {
  it("imports a deck, lists it by prefix and prices numbers by the longest matching prefix, exactly", async () => {
    const route = await newRoute();
    const report = await importRouteRates(operator, route.id, DECK, { dryRun: false, source: "test" });
    expect(report).toMatchObject({ isStored: true, accepted: 4, rejectedCount: 0, skipped: 1, previousCount: 0, route: { id: route.id, currency: "EUR" } });
    expect(report.enforcement).toMatch(/once the guard is enabled and pushed/);

    const page = await listRouteRates(viewer, route.id, { limit: 2 });
    expect(page.items.map((r) => r.prefix)).toEqual(["1", "44"]);
    const next = await listRouteRates(viewer, route.id, { limit: 2, cursor: "44" });
    expect(next.items.map((r) => [r.prefix, r.increment, r.costPerMinute, r.connectionFee])).toEqual([
      ["4420", "1/1", "0.01", "0"],
      ["447", "30/6", "0.085", "0.05"],
    ]);
    const [raw] = await getDb().$queryRaw<{ cost: string }[]>`SELECT cost_per_minute::text AS cost FROM route_rates WHERE route_id = ${route.id}::uuid AND prefix = '447'`;
    expect(raw?.cost).toBe("0.0850");

    // 37 s on 30/6 bills 42 s: 0.085 × 42 / 60 = 0.0595, + 0.05 fee = 0.1095 → €0.11.
    expect(await priceRouteNumber(viewer, route.id, "447911123456", 37)).toMatchObject({
      rate: { prefix: "447", description: "UK mobile" },
      billedSeconds: 42,
      cost: "0.11",
      display: "€0.11",
    });
    expect((await priceRouteNumber(viewer, route.id, "442071234567", 61)).rate.prefix).toBe("4420");
    expect((await priceRouteNumber(viewer, route.id, "441614960000", 60)).cost).toBe("0.01");
    // Three minutes at 0.1 plus a fee of 0.1: exactly 0.40.
    expect((await priceRouteNumber(viewer, route.id, "12125550100", 180)).cost).toBe("0.40");
    await expectAppError(priceRouteNumber(viewer, route.id, "33123456789", 60), "NOT_FOUND", /No rate of the route .* matches 33123456789/);
  });

  it("stores nothing when any line is bad, nor on a dry run, and re-imports its own export unchanged", async () => {
    const route = await newRoute("GBP");
    await importRouteRates(admin, route.id, DECK, { dryRun: false });
    const bad = await importRouteRates(admin, route.id, "44,UK,0.02,60/60,0\n4420,London,0,01,60/60,0\n33,France,0.01,60/0,0\n", { dryRun: false });
    expect(bad).toMatchObject({ isStored: false, accepted: 1, rejectedCount: 2, previousCount: 4 });
    expect(bad.rejected.map((r) => r.line)).toEqual([2, 3]);
    const dry = await importRouteRates(admin, route.id, "44,UK,0.02,60/60,0\n", { dryRun: true });
    expect(dry).toMatchObject({ isStored: false, isDryRun: true, accepted: 1, rejectedCount: 0 });
    expect((await priceRouteNumber(admin, route.id, "4412", 60)).cost).toBe("0.01");

    const exported = await exportRouteRates(viewer, route.id);
    expect(exported.count).toBe(4);
    expect(parseRateCsv(exported.csv).rejected).toEqual([]);
    const again = await importRouteRates(admin, route.id, exported.csv, { dryRun: false });
    expect(again).toMatchObject({ isStored: true, accepted: 4, previousCount: 4 });
    expect((await exportRouteRates(viewer, route.id)).csv).toBe(exported.csv);

    const audits = await getDb().auditLog.findMany({ where: { objectId: route.id, action: "route-rates.import" }, orderBy: { id: "asc" } });
    expect(audits).toHaveLength(2);
    expect(audits[0]!.before).toMatchObject({ rateCount: 0 });
    expect(audits[0]!.after).toMatchObject({ rateCount: 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), source: "api" });
    // The same table twice: the same digest.
    expect((audits[1]!.before as { sha256: string }).sha256).toBe((audits[1]!.after as { sha256: string }).sha256);

    // An empty table (the header alone) clears the route.
    expect(await importRouteRates(admin, route.id, "prefix,description,cost_per_minute,increment,connection_fee\n", { dryRun: false })).toMatchObject({ isStored: true, accepted: 0 });
    expect((await countRouteRates(viewer, [route.id])).get(route.id)).toBeUndefined();
  });

  it("refuses writers without policy:write and readers without policy:read; unknown routes are not found", async () => {
    const route = await newRoute();
    await expectAppError(importRouteRates(viewer, route.id, DECK, { dryRun: false }), "FORBIDDEN");
    await expectAppError(importRouteRates(tenantAdmin, route.id, DECK, { dryRun: true }), "FORBIDDEN");
    await expectAppError(listRouteRates(tenantAdmin, route.id, { limit: 10 }), "FORBIDDEN");
    await expectAppError(priceRouteNumber(tenantAdmin, route.id, "44", 60), "FORBIDDEN");
    await expectAppError(exportRouteRates(tenantAdmin, route.id), "FORBIDDEN");
    expect(await getDb().routeRate.count({ where: { routeId: route.id } })).toBe(0);
    await expectAppError(importRouteRates(admin, randomUUID(), DECK, { dryRun: false }), "NOT_FOUND");
    await expectAppError(priceRouteNumber(admin, randomUUID(), "44", 60), "NOT_FOUND");
    await expectAppError(importRouteRates(admin, route.id, "4".repeat(5 * 1024 * 1024), { dryRun: false }), "BAD_REQUEST", /too large/);
    expect((await getRouteCostLimitByName(viewer, route.name)).id).toBe(route.id);
    await expectAppError(getRouteCostLimitByName(viewer, "no such route"), "NOT_FOUND");
  });

  it("keeps a route's currency while it has rates, and drops the rates with the route", async () => {
    const route = await newRoute();
    await importRouteRates(admin, route.id, DECK, { dryRun: false });
    const error = await expectAppError(updateRouteCostLimit(admin, route.id, { currency: "USD" }), "CONFLICT", /priced in EUR/);
    expect(error.fieldErrors?.currency).toBeDefined();
    expect((await updateRouteCostLimit(admin, route.id, { currency: "EUR", maxCostPerMinute: "2" })).maxCostPerMinute).toBe("2");
    await getDb().routeCostLimit.delete({ where: { id: route.id } });
    expect(await getDb().routeRate.count({ where: { routeId: route.id } })).toBe(0);
  });

  it("serialises two imports into one route: the table is always one whole deck", async () => {
    const route = await newRoute();
    const deckA = "1,A,0.1,60/60,0\n2,A,0.1,60/60,0\n";
    const deckB = "3,B,0.2,60/60,0\n";
    await Promise.all([importRouteRates(admin, route.id, deckA, { dryRun: false }), importRouteRates(admin, route.id, deckB, { dryRun: false })]);
    const prefixes = (await listRouteRates(admin, route.id, { limit: 10 })).items.map((r) => r.prefix);
    expect([["1", "2"], ["3"]]).toContainEqual(prefixes);
  });
});
