/**
 * The call guard's reference model: whether one outbound call may go ahead, and for how long, from the budgets the
 * panel pushes and the node's own spend. lib/guard/rampart-guard.sh is the node's implementation of the same
 * decision, and a property test holds the two to the same answer on every valid input.
 *
 * The node runs rampart-guard.sh from the call path (rampart-guard-agi.sh, rendered and pushed by lib/guard/render.ts);
 * this model is what the tests hold it to.
 *
 * Pure and deterministic (no clock, no environment, no I/O; `now` is an input). Money is exact: decimal strings at
 * the edges, BigInt counts of 1/10,000 (DECIMAL(14,4)) inside, and a call's cost is exactly what lib/pricing says.
 * All amounts are in one currency, the route's; the wiring must not push a budget kept in another currency.
 *
 * Order of checks (the first that applies answers):
 *   1. block abuse      abuse detection is on, the number is international, and this extension already started
 *                       maxCallsSameNumber calls to the same number within the window. First, because blocking the
 *                       extension is the lasting answer to toll fraud, and a fraudster probing unpriced or
 *                       over-priced numbers must trip it too.
 *   2. refuse unpriced  no rate matches the number: a call whose price nobody knows never goes ahead.
 *   3. refuse route-cost the rate's cost per minute is above the route's maximum (equal is allowed; the connection
 *                       fee is not part of a per-minute limit).
 *   4. refuse extension-daily, tenant-daily, tenant-monthly, narrowest first: that budget's remaining amount does not
 *                       cover even the first billing increment.
 *   5. allow CAP RESERVED.
 *
 * International: the number as given (the caller strips the trunk's outbound prefix first) starting with + or 00;
 * "+44 20…" and "0044 20…" are the same number (the digits after + or 00). A start counts in the abuse window when
 * it began less than windowSeconds ago: now − windowSeconds < at (a start exactly windowSeconds ago is out; starts
 * in the future, a clock skew, count).
 *
 * Reservation rule: remaining = budget − spend − the reservations of the calls in progress in that budget's scope
 * (the extension's own calls for its daily budget; every call of the tenant for the tenant's budgets; a call in
 * progress counts against today and this month even if it began yesterday). The cap is the longest duration whose
 * cost fits the smallest remaining amount, rounded down to a billing boundary (first increment, then whole next
 * increments) and never above maxCallSeconds (default 4 h, also the cap of free destinations and of calls without
 * any budget). reserved = the cost of a call of the cap, so a call that hangs up at or before its cap never costs
 * more than it reserved (cost only grows with duration).
 *
 * Overshoot bound (proved by the property tests in decide.test.ts). Let calls be decided one after another against
 * one budget B whose spend was S when the first was decided, and say decision i "sees" call j < i when it counts j's
 * reservation (in progress) or j's actual cost (finished; a finished call whose CDR is not yet in the spend and whose
 * reservation was already dropped is unseen, so the wiring must drop a reservation only once its cost is counted).
 * Then for the last allowed call m:
 *
 *   Σ actual cost of calls 1..m ≤ B − S + Σ reservations of the calls m did not see.
 *
 * Proof sketch: m was allowed, so reserved_m ≤ B − S_m − Σ_{seen, in progress} reserved_j, with S_m ≥ S + Σ_{seen,
 * finished} actual_j; each actual_j ≤ reserved_j; add the unseen reservations to both sides. Consequences:
 *   - every reservation visible to every later decision (one node, or reservations shared cluster-wide and decisions
 *     serialised): the calls together never cost more than the budget, whatever N;
 *   - each decision misses at most h calls (a race of h + 1 nodes deciding at the same instant): overshoot ≤ h × (B − S),
 *     since no reservation exceeds B − S;
 *   - reservations not shared at all (spend counted only from finished CDRs): overshoot ≤ (N − 1) × (B − S) for N
 *     calls, i.e. each node keeps its own calls within the budget and P nodes together within P × (B − S).
 * The bound is per budget: the cap obeys the smallest remaining one, so each budget keeps its own bound.
 *
 * Limits on inputs (so the 64-bit signed integers of the sh implementation never overflow): amounts DECIMAL(14,4)
 * (< 10^14 units), timestamps 0 … 9,999,999,999 s, at most 1,000 calls in progress and 1,000 recent starts, increments
 * 1 … 3,600 s, maxCallSeconds 1 … 86,400, minor units of at most 4 digits. A call's cost numerator is then at most
 * 60 × 10^14 + 10^14 × 89,999 < 9.01 × 10^18 < 2^63. Anything else throws a RangeError here (and is refused there).
 */
import { INCREMENT_RANGE } from "@/lib/validation/rates";
import { ABUSE_RANGES, MONEY_PATTERN } from "@/lib/validation/call-limits";
import { currencyMinorUnitDigits, priceCall, toScaledInteger, type PricedRate } from "@/lib/pricing/price";

/** Longest call the guard allows when no budget limits it (free destinations, no budget at all): 4 hours. */
export const DEFAULT_MAX_CALL_SECONDS = 4 * 3600;
export const MAX_CALL_SECONDS_RANGE = { min: 1, max: 86_400 } as const;
export const MAX_CALLS_IN_PROGRESS = 1_000;
export const MAX_RECENT_STARTS = 1_000;
export const MAX_TIMESTAMP = 9_999_999_999;
export const GUARD_NUMBER_PATTERN = /^\+?\d{1,32}$/;

/** A budget of one scope and period; null in its place means unlimited. */
export interface GuardBudget {
  /** Decimal string, DECIMAL(14,4). */
  limit: string;
  /** Cost of the finished calls of this period, DECIMAL(14,4). */
  spent: string;
}

export interface CallInProgress {
  /** The calling extension's own call (counts against its daily budget and the tenant's), or another of the tenant's. */
  isThisExtension: boolean;
  /** What the guard reserved when it allowed the call, DECIMAL(14,4). */
  reserved: string;
}

/** One call start of this extension, for abuse detection. */
export interface CallStart {
  /** Unix time in seconds. */
  at: number;
  number: string;
}

export interface GuardAbuseSettings {
  enabled: boolean;
  maxCallsSameNumber: number;
  windowSeconds: number;
}

export interface GuardInput {
  /** Unix time in seconds of the decision. */
  now: number;
  /** The dialled number as given, after the caller stripped the trunk's outbound prefix: digits, optionally after +. */
  number: string;
  /** The number's rate (longest prefix of the route's table), or null: unpriced. */
  rate: PricedRate | null;
  /** The route's currency: its minor unit is where costs are rounded. */
  currency: string;
  /** The route's maximum cost per minute, or null for none. */
  routeMaxCostPerMinute: string | null;
  extensionDaily: GuardBudget | null;
  tenantDaily: GuardBudget | null;
  tenantMonthly: GuardBudget | null;
  callsInProgress: readonly CallInProgress[];
  /** This extension's recent call starts (others are ignored unless they are international). */
  recentStarts: readonly CallStart[];
  abuse: GuardAbuseSettings;
  /** Longest call allowed at all; DEFAULT_MAX_CALL_SECONDS when absent. */
  maxCallSeconds?: number;
}

export type BudgetReason = "extension-daily" | "tenant-daily" | "tenant-monthly";
export type RefusalReason = "unpriced" | "route-cost" | BudgetReason;

export type GuardDecision =
  | { kind: "refuse"; reason: RefusalReason }
  | { kind: "block"; reason: "abuse" }
  /** reserved: the cost of a call of capSeconds, rounded to the currency's minor unit as lib/pricing prints it. */
  | { kind: "allow"; capSeconds: number; reserved: string };

interface RemainingBudget {
  reason: BudgetReason;
  /** 1/10,000 units; negative once a budget is overspent. */
  remaining: bigint;
}

/** The guard's answer for one call: deterministic, exact, and never allow on an input it does not accept (throws). */
export function decideCall(input: GuardInput): GuardDecision {
  checkGuardInput(input);
  if (isAbusive(input)) return { kind: "block", reason: "abuse" };
  const rate = input.rate;
  if (rate === null) return { kind: "refuse", reason: "unpriced" };
  if (input.routeMaxCostPerMinute !== null && toScaledInteger(rate.costPerMinute) > toScaledInteger(input.routeMaxCostPerMinute)) {
    return { kind: "refuse", reason: "route-cost" };
  }
  const budgets = listRemainingBudgets(input);
  const firstCost = costUnits(rate, rate.firstIncrement, input.currency);
  const exhausted = budgets.find((budget) => budget.remaining < firstCost);
  if (exhausted) return { kind: "refuse", reason: exhausted.reason };
  const maxCallSeconds = input.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS;
  const smallest = budgets.reduce<bigint | null>((min, b) => (min === null || b.remaining < min ? b.remaining : min), null);
  const capSeconds = findCapSeconds(rate, input.currency, smallest, maxCallSeconds);
  return { kind: "allow", capSeconds, reserved: priceCall(rate, capSeconds, input.currency).cost };
}

/** A call's cost by lib/pricing, in 1/10,000 units. */
export function costUnits(rate: PricedRate, durationSeconds: number, currency: string): bigint {
  return toScaledInteger(priceCall(rate, durationSeconds, currency).cost);
}

/** "+4420…" and "004420…": international, as the same digits "4420…"; anything else is not (null). */
export function internationalDigits(number: string): string | null {
  if (number.startsWith("+")) return number.slice(1);
  if (number.startsWith("00")) return number.slice(2);
  return null;
}

function isAbusive(input: GuardInput): boolean {
  if (!input.abuse.enabled) return false;
  const digits = internationalDigits(input.number);
  if (digits === null) return false;
  const windowStart = input.now - input.abuse.windowSeconds;
  const count = input.recentStarts.filter((start) => start.at > windowStart && internationalDigits(start.number) === digits).length;
  return count >= input.abuse.maxCallsSameNumber;
}

/** Remaining amount of each budget that has a limit, narrowest first (the order of the refusal reasons). */
function listRemainingBudgets(input: GuardInput): RemainingBudget[] {
  const sum = (calls: readonly CallInProgress[]) => calls.reduce((total, call) => total + toScaledInteger(call.reserved), 0n);
  const reservedByExtension = sum(input.callsInProgress.filter((call) => call.isThisExtension));
  const reservedByTenant = sum(input.callsInProgress);
  const scopes: [BudgetReason, GuardBudget | null, bigint][] = [
    ["extension-daily", input.extensionDaily, reservedByExtension],
    ["tenant-daily", input.tenantDaily, reservedByTenant],
    ["tenant-monthly", input.tenantMonthly, reservedByTenant],
  ];
  return scopes.flatMap(([reason, budget, reserved]) =>
    budget === null ? [] : [{ reason, remaining: toScaledInteger(budget.limit) - toScaledInteger(budget.spent) - reserved }],
  );
}

/**
 * The longest billing boundary first + k × next whose cost fits `remaining` (null: unlimited), cut to maxCallSeconds.
 * Cost never falls as a call grows, so a binary search over k finds it; the caller made sure k = 0 fits.
 */
function findCapSeconds(rate: PricedRate, currency: string, remaining: bigint | null, maxCallSeconds: number): number {
  const first = rate.firstIncrement;
  const next = rate.nextIncrement;
  // The first boundary at or past maxCallSeconds: no cap beyond it is ever needed.
  let high = maxCallSeconds > first ? Math.ceil((maxCallSeconds - first) / next) : 0;
  if (remaining === null) return Math.min(maxCallSeconds, first + high * next);
  let low = 0;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (costUnits(rate, first + middle * next, currency) <= remaining) low = middle;
    else high = middle - 1;
  }
  return Math.min(maxCallSeconds, first + low * next);
}

/** Throws a RangeError on any input outside the limits in the header (the sh implementation refuses those). */
export function checkGuardInput(input: GuardInput): void {
  const fail = (what: string): never => {
    throw new RangeError(`Call guard input: ${what}.`);
  };
  const isWhole = (value: number, min: number, max: number) => Number.isSafeInteger(value) && value >= min && value <= max;
  const checkMoney = (text: string, what: string) => {
    if (!MONEY_PATTERN.test(text)) fail(`${what} must be a DECIMAL(14,4) string, got "${text}"`);
  };
  if (!isWhole(input.now, 0, MAX_TIMESTAMP)) fail("now must be a Unix time in seconds");
  if (!GUARD_NUMBER_PATTERN.test(input.number)) fail("the number must be 1 to 32 digits, optionally after +");
  const digits = currencyMinorUnitDigits(input.currency);
  if (!isWhole(digits, 0, 4)) fail("the currency's minor unit must have 0 to 4 digits");
  if (input.rate !== null) {
    checkMoney(input.rate.costPerMinute, "the cost per minute");
    checkMoney(input.rate.connectionFee, "the connection fee");
    for (const value of [input.rate.firstIncrement, input.rate.nextIncrement]) {
      if (!isWhole(value, INCREMENT_RANGE.min, INCREMENT_RANGE.max)) fail("increments must be 1 to 3600 seconds");
    }
  }
  if (input.routeMaxCostPerMinute !== null) checkMoney(input.routeMaxCostPerMinute, "the route's maximum cost per minute");
  for (const budget of [input.extensionDaily, input.tenantDaily, input.tenantMonthly]) {
    if (budget === null) continue;
    checkMoney(budget.limit, "a budget");
    checkMoney(budget.spent, "a spend");
  }
  if (input.callsInProgress.length > MAX_CALLS_IN_PROGRESS) fail(`at most ${MAX_CALLS_IN_PROGRESS} calls in progress`);
  for (const call of input.callsInProgress) checkMoney(call.reserved, "a reservation");
  if (input.recentStarts.length > MAX_RECENT_STARTS) fail(`at most ${MAX_RECENT_STARTS} recent starts`);
  for (const start of input.recentStarts) {
    if (!isWhole(start.at, 0, MAX_TIMESTAMP)) fail("a start must be a Unix time in seconds");
    if (!GUARD_NUMBER_PATTERN.test(start.number)) fail("a start's number must be 1 to 32 digits, optionally after +");
  }
  const { maxCallsSameNumber, windowSeconds } = ABUSE_RANGES;
  if (input.abuse.enabled) {
    if (!isWhole(input.abuse.maxCallsSameNumber, maxCallsSameNumber.min, maxCallsSameNumber.max)) fail("maxCallsSameNumber is out of range");
    if (!isWhole(input.abuse.windowSeconds, windowSeconds.min, windowSeconds.max)) fail("windowSeconds is out of range");
  }
  const maxCallSeconds = input.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS;
  if (!isWhole(maxCallSeconds, MAX_CALL_SECONDS_RANGE.min, MAX_CALL_SECONDS_RANGE.max)) fail("maxCallSeconds must be 1 to 86400");
}
