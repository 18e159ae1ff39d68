import { createHash } from "node:crypto";
import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RejectedLine } from "@/lib/lists/import-parse";
import { findLongestPrefixRate, prefixesOf, priceCall } from "@/lib/pricing/price";
import { checkRateFileSize, parseRateCsv, rateCsvHeader, rateToCsvRow } from "@/lib/rates/csv";
import { formatMoney } from "@/lib/validation/call-limits";
import { formatIncrement, MAX_RATE_LINES, RATE_PREFIX_MAX_LENGTH, RATES_ENFORCEMENT, type RateInput } from "@/lib/validation/rates";
import { encodeCursor, type Page, type PageQuery } from "@/lib/validation/tenant";
import { writeAudit } from "./audit";

// Rate tables of route cost limits: they price calls for reports and for the call guard. A route's rates are in
// the route's currency. Reading them (and pricing a number) needs policy:read; importing needs policy:write, as
// for the route limits themselves. An import replaces the route's whole table in one transaction, and only when
// every line of the file is good: a rate deck is one document from the carrier, and half of it stored would price
// the missing destinations by a shorter prefix's rate without anybody noticing.

export interface RouteRateView {
  id: string;
  prefix: string;
  description: string;
  costPerMinute: string;
  firstIncrement: number;
  nextIncrement: number;
  /** "first/next", as the CSV writes it. */
  increment: string;
  connectionFee: string;
}

export interface RouteRef {
  id: string;
  name: string;
  currency: string;
}

export interface RateImportReport {
  route: RouteRef;
  lines: number;
  skipped: number;
  /** Good lines (the rates stored, when isStored). */
  accepted: number;
  rejectedCount: number;
  /** The first MAX_LISTED_REJECTIONS rejected lines. */
  rejected: RejectedLine[];
  isRejectedTruncated: boolean;
  isDryRun: boolean;
  /** Whether the table was replaced: false for a dry run and whenever a line was rejected. */
  isStored: boolean;
  /** Rates the route had before. */
  previousCount: number;
  enforcement: string;
}

export interface PriceView {
  route: RouteRef;
  /** The number as priced (a leading + removed). */
  number: string;
  rate: RouteRateView;
  durationSeconds: number;
  billedSeconds: number;
  /** Rounded half up to the currency's minor unit, a decimal string. */
  cost: string;
  /** The cost as the dashboard shows it ("€0.06"). */
  display: string;
  enforcement: string;
}

const ROUTE_NOT_FOUND = "The route cost limit does not exist.";
/** Rejected lines listed in one answer; the count covers all of them. */
const MAX_LISTED_REJECTIONS = 1_000;
/** Rows per INSERT: 8 parameters each stays far below PostgreSQL's 65,535. */
const INSERT_BATCH = 2_000;

type RateRow = {
  id: string;
  prefix: string;
  description: string;
  costPerMinute: Prisma.Decimal;
  firstIncrement: number;
  nextIncrement: number;
  connectionFee: Prisma.Decimal;
};

function rateView(row: RateRow): RouteRateView {
  return {
    id: row.id,
    prefix: row.prefix,
    description: row.description,
    // Decimal → plain decimal text, never exponent notation and never through a float.
    costPerMinute: row.costPerMinute.toFixed(),
    firstIncrement: row.firstIncrement,
    nextIncrement: row.nextIncrement,
    increment: formatIncrement({ first: row.firstIncrement, next: row.nextIncrement }),
    connectionFee: row.connectionFee.toFixed(),
  };
}

type Db = Pick<Prisma.TransactionClient, "routeCostLimit">;

async function findRoute(db: Db, routeId: string): Promise<RouteRef> {
  const route = await db.routeCostLimit.findUnique({ where: { id: routeId }, select: { id: true, name: true, currency: true } });
  if (!route) throw new AppError("NOT_FOUND", ROUTE_NOT_FOUND);
  return route;
}

/** The route's rates in prefix order, one keyset page. */
export async function listRouteRates(caller: Caller, routeId: string, page: PageQuery): Promise<Page<RouteRateView> & { route: RouteRef }> {
  assertPermission(caller, "policy:read");
  const db = getDb();
  const route = await findRoute(db, routeId);
  const rows = await db.routeRate.findMany({
    where: { routeId, ...(page.cursor !== undefined ? { prefix: { gt: page.cursor } } : {}) },
    orderBy: { prefix: "asc" },
    take: page.limit + 1,
  });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { route, items: items.map(rateView), nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor(last.prefix) : null };
}

/** The whole table (at most MAX_RATE_LINES rates) as CSV, in prefix order: what `parseRateCsv` reads back. */
export async function exportRouteRates(caller: Caller, routeId: string): Promise<{ route: RouteRef; csv: string; count: number }> {
  assertPermission(caller, "policy:read");
  const db = getDb();
  const route = await findRoute(db, routeId);
  const rows = await db.routeRate.findMany({ where: { routeId }, orderBy: { prefix: "asc" }, take: MAX_RATE_LINES });
  return { route, csv: rateCsvHeader() + rows.map((row) => rateToCsvRow(rateView(row))).join(""), count: rows.length };
}

/** What the audit log keeps of a table: its size and the digest of its canonical CSV (which table it was). */
function tableSummary(rates: readonly RateInput[]) {
  const sorted = [...rates].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  const digest = createHash("sha256")
    .update(rateCsvHeader() + sorted.map(rateToCsvRow).join(""))
    .digest("hex");
  return { rateCount: rates.length, sha256: digest };
}

/**
 * Checks a rate CSV and, when every line is good and it is no dry run, replaces the route's rates with it (one
 * transaction, audited with the digests of the old and new tables). Bad lines are reported, never thrown.
 */
export async function importRouteRates(
  caller: Caller,
  routeId: string,
  text: string,
  options: { dryRun: boolean; source?: string },
): Promise<RateImportReport> {
  assertPermission(caller, "policy:write");
  const sizeError = checkRateFileSize(text);
  if (sizeError !== null) throw new AppError("BAD_REQUEST", sizeError);
  const parsed = parseRateCsv(text);
  const report = (route: RouteRef, previousCount: number, isStored: boolean): RateImportReport => ({
    route,
    lines: parsed.lines,
    skipped: parsed.skipped,
    accepted: parsed.rates.length,
    rejectedCount: parsed.rejected.length,
    rejected: parsed.rejected.slice(0, MAX_LISTED_REJECTIONS),
    isRejectedTruncated: parsed.rejected.length > MAX_LISTED_REJECTIONS,
    isDryRun: options.dryRun,
    isStored,
    previousCount,
    enforcement: RATES_ENFORCEMENT,
  });

  if (options.dryRun || parsed.rejected.length > 0) {
    const db = getDb();
    const route = await findRoute(db, routeId);
    return report(route, await db.routeRate.count({ where: { routeId } }), false);
  }

  return getDb().$transaction(
    async (tx) => {
      // Two imports into one route run one after the other, each replacing the table whole.
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM route_cost_limits WHERE id = ${routeId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new AppError("NOT_FOUND", ROUTE_NOT_FOUND);
      const route = await findRoute(tx, routeId);
      const before = await tx.routeRate.findMany({ where: { routeId } });
      await tx.routeRate.deleteMany({ where: { routeId } });
      for (let i = 0; i < parsed.rates.length; i += INSERT_BATCH) {
        await tx.routeRate.createMany({
          data: parsed.rates.slice(i, i + INSERT_BATCH).map((rate) => ({
            routeId,
            prefix: rate.prefix,
            description: rate.description,
            costPerMinute: new Prisma.Decimal(rate.costPerMinute),
            firstIncrement: rate.firstIncrement,
            nextIncrement: rate.nextIncrement,
            connectionFee: new Prisma.Decimal(rate.connectionFee),
          })),
        });
      }
      await writeAudit(tx, caller.actor, {
        action: "route-rates.import",
        objectType: "route-cost-limit",
        objectId: routeId,
        before: tableSummary(before.map(rateView)),
        after: { ...tableSummary(parsed.rates), source: options.source ?? "api" },
      });
      return report(route, before.length, true);
    },
    { timeout: 60_000 },
  );
}

/**
 * Prices a call of `durationSeconds` to `number` (digits, + already removed) by the route's rate with the longest
 * matching prefix. Only the number's own prefixes are read (the unique (route, prefix) index finds each).
 */
export async function priceRouteNumber(caller: Caller, routeId: string, number: string, durationSeconds: number): Promise<PriceView> {
  assertPermission(caller, "policy:read");
  const db = getDb();
  const route = await findRoute(db, routeId);
  const candidates = await db.routeRate.findMany({ where: { routeId, prefix: { in: prefixesOf(number, RATE_PREFIX_MAX_LENGTH) } } });
  const row = findLongestPrefixRate(candidates, number);
  if (!row) {
    const message = `No rate of the route “${route.name}” matches ${number}: import a rate for one of its prefixes.`;
    throw new AppError("NOT_FOUND", message, { number: [message] });
  }
  const rate = rateView(row);
  const price = priceCall(rate, durationSeconds, route.currency);
  return {
    route,
    number,
    rate,
    durationSeconds: price.durationSeconds,
    billedSeconds: price.billedSeconds,
    cost: price.cost,
    display: formatMoney(price.cost, route.currency),
    enforcement: RATES_ENFORCEMENT,
  };
}

/** How many rates each of the routes has (for the route list). */
export async function countRouteRates(caller: Caller, routeIds: readonly string[]): Promise<Map<string, number>> {
  assertPermission(caller, "policy:read");
  if (routeIds.length === 0) return new Map();
  const groups = await getDb().routeRate.groupBy({ by: ["routeId"], where: { routeId: { in: [...routeIds] } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.routeId, g._count._all]));
}
