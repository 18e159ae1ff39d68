import { assertPermission, assertTenantAccess, tenantScope, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { daysOfMonthSoFar, fromMoneyUnits, percentOfBudget, toMoneyUnits, utcPeriods } from "@/lib/pricing/budget";
import { DEFAULT_CURRENCY } from "@/lib/validation/call-limits";
import type { SpendQuery } from "@/lib/validation/spend";

// Spend against the call-cost limits: per tenant (its account code) today and this month, per extension
// (guard_extension) today, each beside its limit, and the tenant's spend per day of this month. Spend is what the
// call guard counts (lib/observe/guard-cluster.ts): the sum of the exact costs of the calls it allowed, over every node;
// days and months are UTC. Amounts are SUM()s in PostgreSQL numeric, added up as BigInt units of 1/10,000, and
// leave as DECIMAL(14,4) text ("12.3400"): no float ever holds money here.
//
// Reading needs tenants:read, the permission the tenants' limits are read with; tenant administrators see only
// their own tenant, and nothing when it has no account code (no call can be attributed to it). Tenants without an
// account code have no spend and are only counted.

export interface ExtensionSpendView {
  extension: string;
  today: string;
  /** null: the extension has no daily limit (it is listed because it spent today). */
  dailyLimit: string | null;
  /** Percent of the daily limit used, two decimals rounded down; null without a (non-zero) limit. */
  dailyPercent: string | null;
  currency: string;
}

export interface SpendPerDay {
  /** "YYYY-MM-DD" (UTC). */
  day: string;
  amount: string;
}

export interface TenantSpendView {
  tenantId: string;
  tenantName: string;
  accountCode: string;
  /** The currency of the tenant's limits, else of its priced calls, else the default. */
  currency: string;
  today: string;
  month: string;
  dailyLimit: string | null;
  monthlyLimit: string | null;
  dailyPercent: string | null;
  monthlyPercent: string | null;
  /** Extensions with a daily limit or with spend today, by extension. */
  extensions: ExtensionSpendView[];
  /** Every day of the month so far, oldest first, 0 where nothing was spent. */
  days: SpendPerDay[];
}

export interface SpendOverview {
  at: Date;
  /** The UTC day "today" is ("YYYY-MM-DD"). */
  day: string;
  /** The UTC month "this month" is ("YYYY-MM"). */
  month: string;
  /** By tenant name. */
  tenants: TenantSpendView[];
  /** Tenants the caller may see that have no account code, so no spend. */
  tenantsWithoutAccountCode: number;
}

interface SpendRow {
  account_code: string;
  extension: string | null;
  day: string;
  amount: string;
  currency: string | null;
}

const decimal = (value: Prisma.Decimal | null | undefined): string | null => (value === null || value === undefined ? null : value.toFixed());

/**
 * The spend of every tenant with an account code (or of the one tenant), as of `now`. For the system (the alert
 * check) and the caller-checked getSpendOverview below; never exposed to a transport on its own.
 */
export async function loadSpend(now: Date, tenantId?: string): Promise<Omit<SpendOverview, "tenantsWithoutAccountCode">> {
  const periods = utcPeriods(now);
  const db = getDb();
  const tenants = await db.tenant.findMany({
    where: { accountCode: { not: null }, ...(tenantId !== undefined ? { id: tenantId } : {}) },
    orderBy: { name: "asc" },
    select: { id: true, name: true, accountCode: true, callLimit: true, extensionLimits: { orderBy: { extension: "asc" } } },
  });
  const codes = tenants.map((t) => t.accountCode!);
  // Served by call_records_guard_spend_idx (account_code, started_at) WHERE guard_outcome = 'ALLOW'.
  const rows =
    codes.length === 0
      ? []
      : await db.$queryRaw<SpendRow[]>`
          SELECT account_code, guard_extension AS extension, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                 SUM(cost)::text AS amount, min(currency) AS currency
          FROM call_records
          WHERE guard_outcome = 'ALLOW' AND cost IS NOT NULL AND account_code = ANY(${codes}::text[])
            AND started_at >= ${periods.monthStart} AND started_at < ${periods.dayEnd}
          GROUP BY 1, 2, 3`;

  const byCode = new Map<string, SpendRow[]>();
  for (const row of rows) byCode.set(row.account_code, [...(byCode.get(row.account_code) ?? []), row]);
  const days = daysOfMonthSoFar(now);

  return {
    at: now,
    day: periods.day,
    month: periods.month,
    tenants: tenants.map((tenant) => {
      const own = byCode.get(tenant.accountCode!) ?? [];
      const perDay = new Map<string, bigint>();
      const extensionToday = new Map<string, bigint>();
      let month = 0n;
      for (const row of own) {
        const units = toMoneyUnits(row.amount);
        month += units;
        perDay.set(row.day, (perDay.get(row.day) ?? 0n) + units);
        if (row.day === periods.day && row.extension !== null) extensionToday.set(row.extension, (extensionToday.get(row.extension) ?? 0n) + units);
      }
      const today = fromMoneyUnits(perDay.get(periods.day) ?? 0n);
      const monthText = fromMoneyUnits(month);
      const currency = tenant.callLimit?.currency ?? own.find((r) => r.currency !== null)?.currency ?? DEFAULT_CURRENCY;
      const dailyLimit = decimal(tenant.callLimit?.dailyLimit);
      const monthlyLimit = decimal(tenant.callLimit?.monthlyLimit);

      const limits = new Map(tenant.extensionLimits.map((l) => [l.extension, l]));
      const names = [...new Set([...limits.keys(), ...extensionToday.keys()])].sort();
      const extensions = names.map((extension): ExtensionSpendView => {
        const limit = decimal(limits.get(extension)?.dailyLimit);
        const spent = fromMoneyUnits(extensionToday.get(extension) ?? 0n);
        return { extension, today: spent, dailyLimit: limit, dailyPercent: percentOfBudget(spent, limit), currency: limits.get(extension)?.currency ?? currency };
      });

      return {
        tenantId: tenant.id,
        tenantName: tenant.name,
        accountCode: tenant.accountCode!,
        currency,
        today,
        month: monthText,
        dailyLimit,
        monthlyLimit,
        dailyPercent: percentOfBudget(today, dailyLimit),
        monthlyPercent: percentOfBudget(monthText, monthlyLimit),
        extensions,
        days: days.map((day) => ({ day, amount: fromMoneyUnits(perDay.get(day) ?? 0n) })),
      };
    }),
  };
}

/** Spend today and this month against each limit, for the tenants the caller may see (or the one asked for). */
export async function getSpendOverview(caller: Caller, query: SpendQuery = {}, now: Date = new Date()): Promise<SpendOverview> {
  assertPermission(caller, "tenants:read");
  if (query.tenantId !== undefined) assertTenantAccess(caller, query.tenantId, "The tenant");
  const tenantId = query.tenantId ?? tenantScope(caller);
  const [spend, tenantsWithoutAccountCode] = await Promise.all([
    loadSpend(now, tenantId),
    getDb().tenant.count({ where: { accountCode: null, ...(tenantId !== undefined ? { id: tenantId } : {}) } }),
  ]);
  return { ...spend, tenantsWithoutAccountCode };
}
