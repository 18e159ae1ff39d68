/**
 * Spend against a budget (an extension's or a tenant's daily limit, a tenant's monthly limit): the share used and
 * which alert thresholds it has reached, and the UTC periods budgets are counted in.
 *
 * Pure and exact: amounts are decimal strings at the edges and BigInt counts of 1/10,000 inside (lib/pricing/price.ts),
 * so "has this budget reached 80 %?" is a comparison of whole numbers, never of rounded floats. A limit of 0 means
 * "no calls at all"; it has no share and reaches a threshold only once something was spent against it.
 */
import { fromScaledInteger, RATE_SCALE, toScaledInteger } from "./price";

/** The alert thresholds, in percent of the budget, lowest first. */
export const BUDGET_THRESHOLDS = [80, 100] as const;
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];

/** Decimal places of a share ("79.99"). */
const PERCENT_PLACES = 2;

/** DECIMAL(14,4) text ("12.5", "12.5000") → units of 1/10,000; SUM() of such columns has the same scale. */
export function toMoneyUnits(text: string): bigint {
  return toScaledInteger(text, RATE_SCALE);
}

/** Units of 1/10,000 → "12.5000": the exact text every spend amount travels as. */
export function fromMoneyUnits(units: bigint): string {
  return fromScaledInteger(units, RATE_SCALE);
}

/**
 * The share of the limit spent, in percent with two decimals, rounded down ("79.99" until 80 % is really reached);
 * null for no limit or a limit of 0. Exact.
 */
export function percentOfBudget(spent: string, limit: string | null): string | null {
  if (limit === null) return null;
  const limitUnits = toMoneyUnits(limit);
  if (limitUnits === 0n) return null;
  const hundredths = (toMoneyUnits(spent) * 100n * 10n ** BigInt(PERCENT_PLACES)) / limitUnits;
  return fromScaledInteger(hundredths, PERCENT_PLACES);
}

/** The thresholds the spend has reached (spent × 100 ≥ limit × threshold, exactly), lowest first; none without a limit. */
export function reachedThresholds(spent: string, limit: string | null): BudgetThreshold[] {
  if (limit === null) return [];
  const spentUnits = toMoneyUnits(spent);
  // Nothing spent reaches nothing, even against a limit of 0: a budget nobody used is no news.
  if (spentUnits === 0n) return [];
  const limitUnits = toMoneyUnits(limit);
  return BUDGET_THRESHOLDS.filter((threshold) => spentUnits * 100n >= limitUnits * BigInt(threshold));
}

export interface UtcPeriods {
  /** "2026-12-04" */
  day: string;
  /** "2026-12" */
  month: string;
  dayStart: Date;
  dayEnd: Date;
  monthStart: Date;
  monthEnd: Date;
}

/** The UTC day and month `now` falls in, as half-open ranges [start, end). */
export function utcPeriods(now: Date): UtcPeriods {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const dayStart = new Date(Date.UTC(y, m, d));
  const monthStart = new Date(Date.UTC(y, m, 1));
  return {
    day: dayStart.toISOString().slice(0, 10),
    month: monthStart.toISOString().slice(0, 7),
    dayStart,
    dayEnd: new Date(Date.UTC(y, m, d + 1)),
    monthStart,
    monthEnd: new Date(Date.UTC(y, m + 1, 1)),
  };
}

/** Every UTC day of the month up to and including `now`'s day, as "YYYY-MM-DD", oldest first. */
export function daysOfMonthSoFar(now: Date): string[] {
  const { monthStart } = utcPeriods(now);
  return Array.from({ length: now.getUTCDate() }, (_, i) => new Date(monthStart.getTime() + i * 86_400_000).toISOString().slice(0, 10));
}
