import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  costUnits,
  decideCall,
  DEFAULT_MAX_CALL_SECONDS,
  type CallInProgress,
  type GuardBudget,
  type GuardDecision,
  type GuardInput,
} from "./decide";
import { guardInputArbitrary, incrementArbitrary, moneyText, rateArbitrary } from "./testing";
import { billedSeconds, priceCall, toScaledInteger, type PricedRate } from "@/lib/pricing/price";

const NOW = 1_764_816_000;

const rate = (overrides: Partial<PricedRate> = {}): PricedRate => ({
  prefix: "44",
  costPerMinute: "0.1",
  connectionFee: "0",
  firstIncrement: 60,
  nextIncrement: 60,
  ...overrides,
});

const input = (overrides: Partial<GuardInput> = {}): GuardInput => ({
  now: NOW,
  number: "00442071234567",
  rate: rate(),
  currency: "EUR",
  routeMaxCostPerMinute: null,
  extensionDaily: null,
  tenantDaily: null,
  tenantMonthly: null,
  callsInProgress: [],
  recentStarts: [],
  abuse: { enabled: true, maxCallsSameNumber: 5, windowSeconds: 300 },
  ...overrides,
});

const budget = (limit: string, spent = "0"): GuardBudget => ({ limit, spent });
const startsAgo = (number: string, ...agos: number[]) => agos.map((ago) => ({ at: NOW - ago, number }));

/** The remaining amount of each budget with a limit, in units, computed independently of the model. */
function remainingOf(guard: GuardInput): bigint[] {
  const reserved = (calls: readonly CallInProgress[]) => calls.reduce((sum, call) => sum + toScaledInteger(call.reserved), 0n);
  const own = reserved(guard.callsInProgress.filter((call) => call.isThisExtension));
  const all = reserved(guard.callsInProgress);
  return (
    [
      [guard.extensionDaily, own],
      [guard.tenantDaily, all],
      [guard.tenantMonthly, all],
    ] as const
  ).flatMap(([b, r]) => (b === null ? [] : [toScaledInteger(b.limit) - toScaledInteger(b.spent) - r]));
}

const isBoundary = (seconds: number, r: PricedRate) =>
  seconds === r.firstIncrement || (seconds > r.firstIncrement && (seconds - r.firstIncrement) % r.nextIncrement === 0);

describe("decideCall: refusals and their order", () => {
  it("refuses an unpriced number", () => {
    expect(decideCall(input({ rate: null }))).toEqual({ kind: "refuse", reason: "unpriced" });
  });

  it("refuses a rate above the route's maximum cost per minute, and allows one equal to it", () => {
    expect(decideCall(input({ routeMaxCostPerMinute: "0.0999" }))).toEqual({ kind: "refuse", reason: "route-cost" });
    expect(decideCall(input({ routeMaxCostPerMinute: "0.1" })).kind).toBe("allow");
    // The connection fee is not a per-minute cost.
    expect(decideCall(input({ rate: rate({ connectionFee: "5" }), routeMaxCostPerMinute: "0.10" })).kind).toBe("allow");
  });

  it("refuses on each budget whose remaining amount does not cover the first increment", () => {
    expect(decideCall(input({ extensionDaily: budget("0.09") }))).toEqual({ kind: "refuse", reason: "extension-daily" });
    expect(decideCall(input({ tenantDaily: budget("1", "0.95") }))).toEqual({ kind: "refuse", reason: "tenant-daily" });
    expect(decideCall(input({ tenantMonthly: budget("10", "9.91") }))).toEqual({ kind: "refuse", reason: "tenant-monthly" });
    // Exactly the first increment's cost fits.
    expect(decideCall(input({ extensionDaily: budget("0.1") }))).toEqual({ kind: "allow", capSeconds: 60, reserved: "0.10" });
  });

  it("counts the extension's calls in progress against its budget, every tenant call against the tenant's", () => {
    const calls = [{ isThisExtension: false, reserved: "0.5" }];
    expect(decideCall(input({ extensionDaily: budget("0.5"), callsInProgress: calls })).kind).toBe("allow");
    expect(decideCall(input({ tenantDaily: budget("0.5"), callsInProgress: calls }))).toEqual({ kind: "refuse", reason: "tenant-daily" });
    expect(decideCall(input({ tenantMonthly: budget("0.5"), callsInProgress: calls }))).toEqual({ kind: "refuse", reason: "tenant-monthly" });
    const own = [{ isThisExtension: true, reserved: "0.45" }];
    expect(decideCall(input({ extensionDaily: budget("0.5"), callsInProgress: own }))).toEqual({ kind: "refuse", reason: "extension-daily" });
  });

  it("refuses an overspent budget (spend above the limit)", () => {
    expect(decideCall(input({ rate: rate({ costPerMinute: "0" }), extensionDaily: budget("1", "1.0001") }))).toEqual({
      kind: "refuse",
      reason: "extension-daily",
    });
  });

  it("checks abuse, then the rate, then the route, then the budgets narrowest first", () => {
    const abusive = { recentStarts: startsAgo("+442071234567", 1, 2, 3, 4, 5) };
    const everything = { rate: null, routeMaxCostPerMinute: "0", extensionDaily: budget("0"), tenantDaily: budget("0"), tenantMonthly: budget("0") };
    expect(decideCall(input({ ...everything, ...abusive }))).toEqual({ kind: "block", reason: "abuse" });
    expect(decideCall(input(everything))).toEqual({ kind: "refuse", reason: "unpriced" });
    expect(decideCall(input({ ...everything, rate: rate() }))).toEqual({ kind: "refuse", reason: "route-cost" });
    const budgets = { extensionDaily: budget("0"), tenantDaily: budget("0"), tenantMonthly: budget("0") };
    expect(decideCall(input(budgets))).toEqual({ kind: "refuse", reason: "extension-daily" });
    expect(decideCall(input({ ...budgets, extensionDaily: null }))).toEqual({ kind: "refuse", reason: "tenant-daily" });
    expect(decideCall(input({ ...budgets, extensionDaily: null, tenantDaily: null }))).toEqual({ kind: "refuse", reason: "tenant-monthly" });
  });

  it("throws on input outside the guard's limits instead of deciding", () => {
    expect(() => decideCall(input({ number: "44 20" }))).toThrow(RangeError);
    expect(() => decideCall(input({ extensionDaily: budget("-1") }))).toThrow(RangeError);
    expect(() => decideCall(input({ extensionDaily: budget("10000000000") }))).toThrow(RangeError);
    expect(() => decideCall(input({ rate: rate({ firstIncrement: 0 }) }))).toThrow(RangeError);
    expect(() => decideCall(input({ maxCallSeconds: 86_401 }))).toThrow(RangeError);
    expect(() => decideCall(input({ now: 1.5 }))).toThrow(RangeError);
    expect(() => decideCall(input({ callsInProgress: Array.from({ length: 1001 }, () => ({ isThisExtension: true, reserved: "0" })) }))).toThrow(
      RangeError,
    );
  });
});

describe("decideCall: abuse detection", () => {
  const number = "+442071234567";

  it("blocks the call that would be one more than the maximum to the same international number in the window", () => {
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 10, 20, 30, 40) })).kind).toBe("allow");
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 10, 20, 30, 40, 50) }))).toEqual({ kind: "block", reason: "abuse" });
  });

  it("counts a start 299 s ago, not one exactly 300 s ago (the window is the last 300 s)", () => {
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 1, 2, 3, 4, 299) })).kind).toBe("block");
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 1, 2, 3, 4, 300) })).kind).toBe("allow");
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 1, 2, 3, 4, 301) })).kind).toBe("allow");
  });

  it("counts starts in the future (a clock skew) and a start at this very second", () => {
    expect(decideCall(input({ number, recentStarts: startsAgo(number, 0, -1, -600, 4, 5) })).kind).toBe("block");
  });

  it("treats +44… and 0044… as the same number, and ignores national numbers and other numbers", () => {
    expect(decideCall(input({ number, recentStarts: startsAgo("00442071234567", 1, 2, 3, 4, 5) })).kind).toBe("block");
    expect(decideCall(input({ number, recentStarts: startsAgo("+442071234568", 1, 2, 3, 4, 5) })).kind).toBe("allow");
    expect(decideCall(input({ number: "02071234567", recentStarts: startsAgo("02071234567", 1, 2, 3, 4, 5) })).kind).toBe("allow");
    expect(decideCall(input({ number, recentStarts: startsAgo("442071234567", 1, 2, 3, 4, 5) })).kind).toBe("allow");
  });

  it("never blocks when detection is off, and honours another window and maximum", () => {
    expect(decideCall(input({ number, abuse: { enabled: false, maxCallsSameNumber: 1, windowSeconds: 300 }, recentStarts: startsAgo(number, 1) })).kind).toBe(
      "allow",
    );
    const abuse = { enabled: true, maxCallsSameNumber: 1, windowSeconds: 10 };
    expect(decideCall(input({ number, abuse, recentStarts: startsAgo(number, 9) })).kind).toBe("block");
    expect(decideCall(input({ number, abuse, recentStarts: startsAgo(number, 10) })).kind).toBe("allow");
  });
});

describe("decideCall: the cap", () => {
  it("gives the longest billing boundary whose cost fits, and reserves its cost", () => {
    // 1.05 − 0.5 spent − 0.1 reserved = 0.45 left; 0.10 a minute.
    const decision = decideCall(input({ extensionDaily: budget("1.05", "0.5"), callsInProgress: [{ isThisExtension: true, reserved: "0.1" }] }));
    expect(decision).toEqual({ kind: "allow", capSeconds: 240, reserved: "0.40" });
    // 30/6 at 0.60 a minute (0.01 a second): 0.45 left covers 42 s (30 + 2 × 6), not 48.
    expect(decideCall(input({ rate: rate({ costPerMinute: "0.6", firstIncrement: 30, nextIncrement: 6 }), tenantDaily: budget("0.45") }))).toEqual({
      kind: "allow",
      capSeconds: 42,
      reserved: "0.42",
    });
  });

  it("rounds costs half up to the minor unit, as pricing does (JPY has none)", () => {
    // 1 JPY a minute, 1/1: 29 s cost 0.48 → 0, 30 s cost 0.5 → 1; with 1 JPY left the cap is 89 s (1.48 → 1).
    expect(decideCall(input({ currency: "JPY", rate: rate({ costPerMinute: "1", firstIncrement: 1, nextIncrement: 1 }), tenantDaily: budget("1") }))).toEqual({
      kind: "allow",
      capSeconds: 89,
      reserved: "1",
    });
  });

  it("caps a call without any budget, and a free destination, at the maximum call length (4 h unless set)", () => {
    expect(DEFAULT_MAX_CALL_SECONDS).toBe(14_400);
    expect(decideCall(input())).toEqual({ kind: "allow", capSeconds: 14_400, reserved: "24.00" });
    const free = rate({ costPerMinute: "0", connectionFee: "0", firstIncrement: 7, nextIncrement: 13 });
    expect(decideCall(input({ rate: free, extensionDaily: budget("0") }))).toEqual({ kind: "allow", capSeconds: 14_400, reserved: "0.00" });
    expect(decideCall(input({ rate: free, maxCallSeconds: 600, tenantDaily: budget("1") }))).toEqual({ kind: "allow", capSeconds: 600, reserved: "0.00" });
    // A connection fee alone: allowed the whole maximum once the fee fits.
    const feeOnly = rate({ costPerMinute: "0", connectionFee: "0.25" });
    expect(decideCall(input({ rate: feeOnly, tenantDaily: budget("0.25") }))).toEqual({ kind: "allow", capSeconds: 14_400, reserved: "0.25" });
    expect(decideCall(input({ rate: feeOnly, tenantDaily: budget("0.24") }))).toEqual({ kind: "refuse", reason: "tenant-daily" });
  });

  it("cuts the cap to a maximum call length shorter than the first increment, reserving the first increment", () => {
    expect(decideCall(input({ maxCallSeconds: 30, extensionDaily: budget("1") }))).toEqual({ kind: "allow", capSeconds: 30, reserved: "0.10" });
  });
});

describe("decideCall: properties", () => {
  it("decides every valid input, and allows only within every budget", () => {
    fc.assert(
      fc.property(guardInputArbitrary, (guard) => {
        const decision = decideCall(guard);
        if (decision.kind !== "allow") return;
        const r = guard.rate!;
        const max = guard.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS;
        expect(decision.reserved).toBe(priceCall(r, decision.capSeconds, guard.currency).cost);
        expect(decision.capSeconds).toBeLessThanOrEqual(max);
        expect(decision.capSeconds === max || isBoundary(decision.capSeconds, r)).toBe(true);
        const remaining = remainingOf(guard);
        const cost = toScaledInteger(decision.reserved);
        for (const left of remaining) expect(cost).toBeLessThanOrEqual(left);
        // Budget-bound: one more next increment would not fit the smallest remaining amount.
        if (decision.capSeconds < max && remaining.length > 0) {
          const smallest = remaining.reduce((a, b) => (b < a ? b : a));
          expect(costUnits(r, decision.capSeconds + r.nextIncrement, guard.currency)).toBeGreaterThan(smallest);
        }
        if (remaining.length === 0) expect(decision.capSeconds).toBe(max);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses on a budget exactly when its remaining amount is below the first increment's cost", () => {
    fc.assert(
      fc.property(guardInputArbitrary, (guard) => {
        const decision = decideCall({ ...guard, abuse: { ...guard.abuse, enabled: false }, routeMaxCostPerMinute: null });
        if (guard.rate === null) {
          expect(decision).toEqual({ kind: "refuse", reason: "unpriced" });
          return;
        }
        const first = costUnits(guard.rate, guard.rate.firstIncrement, guard.currency);
        const isShort = remainingOf(guard).some((left) => left < first);
        expect(decision.kind === "refuse").toBe(isShort);
      }),
      { numRuns: 300 },
    );
  });

  it("is monotone in the budget: more money never shortens a cap or turns an allow into a refusal", () => {
    fc.assert(
      fc.property(guardInputArbitrary, fc.bigInt({ min: 0n, max: 10_000_000n }), fc.constantFrom("extensionDaily", "tenantDaily", "tenantMonthly"), (guard, extra, which) => {
        const current = guard[which];
        if (current === null) return;
        const raised = toScaledInteger(current.limit) + extra;
        if (raised >= 10n ** 14n) return;
        const before = decideCall(guard);
        const after = decideCall({ ...guard, [which]: { ...current, limit: moneyText(raised) } });
        if (before.kind === "allow") {
          expect(after.kind).toBe("allow");
          expect((after as Extract<GuardDecision, { kind: "allow" }>).capSeconds).toBeGreaterThanOrEqual(before.capSeconds);
        }
        if (before.kind === "block" || (before.kind === "refuse" && ["unpriced", "route-cost"].includes(before.reason))) expect(after).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it("gives free destinations (no cost per minute, no fee) the maximum call length whatever the budget", () => {
    fc.assert(
      fc.property(guardInputArbitrary, incrementArbitrary, incrementArbitrary, (guard, first, next) => {
        const free = { prefix: "44", costPerMinute: "0", connectionFee: "0", firstIncrement: first, nextIncrement: next };
        const decision = decideCall({ ...guard, rate: free, routeMaxCostPerMinute: null, abuse: { ...guard.abuse, enabled: false } });
        const isOverspent = remainingOf(guard).some((left) => left < 0n);
        expect(decision).toEqual(
          isOverspent ? { kind: "refuse", reason: expect.any(String) } : { kind: "allow", capSeconds: guard.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS, reserved: expect.any(String) },
        );
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The overshoot bound: N calls decided one after another, some of whose reservations a later decision cannot see.
// ---------------------------------------------------------------------------------------------------------

/** How decision i sees an earlier call j: its reservation, its finished cost (counted in the spend), or not at all. */
type Visibility = "reserved" | "finished" | "hidden";

interface SimulatedCall {
  extension: 0 | 1;
  /** Fraction of its cap the call actually lasts, in 1/1000 (0 = never answered). */
  lasts: number;
  /** How this call sees each earlier call. */
  sees: Visibility[];
}

interface Scenario {
  rate: PricedRate;
  currency: string;
  /** Budgets of extension 0, extension 1, the tenant's day and month: limit and spend before any of the calls. */
  budgets: [GuardBudget | null, GuardBudget | null, GuardBudget | null, GuardBudget | null];
  calls: SimulatedCall[];
}

const smallAmount = fc.bigInt({ min: 0n, max: 300_000n }).map((units) => moneyText(units));
const scenarioBudget = fc.option(fc.record({ limit: smallAmount, spent: smallAmount }), { freq: 4 });

function scenarioArbitrary(visibility: fc.Arbitrary<Visibility>): fc.Arbitrary<Scenario> {
  return fc.record({
    rate: rateArbitrary.map((r) => ({ ...r, costPerMinute: moneyText(toScaledInteger(r.costPerMinute) % 200_000n), connectionFee: moneyText(toScaledInteger(r.connectionFee) % 5_000n) })),
    currency: fc.constantFrom("EUR", "JPY", "BHD", "CLF"),
    budgets: fc.tuple(scenarioBudget, scenarioBudget, scenarioBudget, scenarioBudget),
    calls: fc.array(
      fc.record({
        extension: fc.constantFrom<0 | 1>(0, 1),
        lasts: fc.oneof(fc.constantFrom(0, 1000), fc.integer({ min: 0, max: 1000 })),
        sees: fc.array(visibility, { minLength: 12, maxLength: 12 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  });
}

interface Outcome {
  reserved: bigint;
  actual: bigint;
  extension: 0 | 1;
}

/** Decides each call against the spend and reservations it can see; returns each call's reservation and actual cost. */
function simulate(scenario: Scenario): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const [i, call] of scenario.calls.entries()) {
    const spentExtra: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
    const callsInProgress: CallInProgress[] = [];
    for (let j = 0; j < i; j++) {
      const earlier = outcomes[j]!;
      const seen = call.sees[j]!;
      if (seen === "reserved") callsInProgress.push({ isThisExtension: earlier.extension === call.extension, reserved: moneyText(earlier.reserved) });
      if (seen === "finished") {
        spentExtra[earlier.extension] += earlier.actual;
        spentExtra[2] += earlier.actual;
        spentExtra[3] += earlier.actual;
      }
    }
    const withSpend = (b: GuardBudget | null, extra: bigint) => (b === null ? null : { ...b, spent: moneyText(toScaledInteger(b.spent) + extra) });
    const decision = decideCall({
      now: NOW,
      number: "00442071234567",
      rate: scenario.rate,
      currency: scenario.currency,
      routeMaxCostPerMinute: null,
      extensionDaily: withSpend(scenario.budgets[call.extension], spentExtra[call.extension]),
      tenantDaily: withSpend(scenario.budgets[2], spentExtra[2]),
      tenantMonthly: withSpend(scenario.budgets[3], spentExtra[3]),
      callsInProgress,
      recentStarts: [],
      abuse: { enabled: false, maxCallsSameNumber: 5, windowSeconds: 300 },
    });
    if (decision.kind !== "allow") {
      outcomes.push({ reserved: 0n, actual: 0n, extension: call.extension });
      continue;
    }
    const duration = Math.floor((decision.capSeconds * call.lasts) / 1000);
    const actual = costUnits(scenario.rate, duration, scenario.currency);
    outcomes.push({ reserved: toScaledInteger(decision.reserved), actual, extension: call.extension });
    expect(billedSeconds(duration, scenario.rate.firstIncrement, scenario.rate.nextIncrement)).toBeLessThanOrEqual(
      billedSeconds(decision.capSeconds, scenario.rate.firstIncrement, scenario.rate.nextIncrement),
    );
    expect(actual).toBeLessThanOrEqual(toScaledInteger(decision.reserved));
  }
  return outcomes;
}

/** For each budget: (Σ actual cost of its calls up to its last allowed one, B − S, Σ reservations that call did not see). */
function measureBudgets(scenario: Scenario, outcomes: Outcome[]) {
  const scopes = [(c: Outcome) => c.extension === 0, (c: Outcome) => c.extension === 1, () => true, () => true];
  return scenario.budgets.flatMap((b, index) => {
    if (b === null) return [];
    const inScope = scopes[index]!;
    const allowed = outcomes.map((o, i) => ({ o, i })).filter(({ o }) => inScope(o) && o.reserved > 0n);
    const last = allowed.at(-1);
    if (last === undefined) return [];
    const spent = allowed.reduce((sum, { o }) => sum + o.actual, 0n);
    const hidden = allowed.filter(({ i }) => i < last.i && scenario.calls[last.i]!.sees[i] === "hidden");
    const unseen = hidden.reduce((sum, { o }) => sum + o.reserved, 0n);
    return [{ spent, room: toScaledInteger(b.limit) - toScaledInteger(b.spent), unseen, unseenCalls: hidden.length, calls: allowed.length }];
  });
}

describe("decideCall: the overshoot bound", () => {
  it("lets two calls that cannot see each other both reserve the whole room (the race the bound is about)", () => {
    const racing = input({ tenantDaily: budget("1") });
    expect(decideCall(racing)).toEqual({ kind: "allow", capSeconds: 600, reserved: "1.00" });
    // Seen, the first call's reservation leaves nothing for the second.
    expect(decideCall({ ...racing, callsInProgress: [{ isThisExtension: false, reserved: "1.00" }] })).toEqual({ kind: "refuse", reason: "tenant-daily" });
  });

  it("keeps N calls within every budget when each decision sees the earlier ones (reserved or finished)", () => {
    fc.assert(
      fc.property(scenarioArbitrary(fc.constantFrom<Visibility>("reserved", "finished")), (scenario) => {
        for (const { spent, room } of measureBudgets(scenario, simulate(scenario))) expect(spent).toBeLessThanOrEqual(room);
      }),
      { numRuns: 300 },
    );
  });

  it("overshoots a budget by at most the reservations the last allowed call could not see", () => {
    fc.assert(
      fc.property(scenarioArbitrary(fc.constantFrom<Visibility>("reserved", "finished", "hidden")), (scenario) => {
        for (const { spent, room, unseen } of measureBudgets(scenario, simulate(scenario))) expect(spent).toBeLessThanOrEqual(room + unseen);
      }),
      { numRuns: 300 },
    );
  });

  it("overshoots by at most (N − 1) × (B − S) when no decision sees any other call", () => {
    fc.assert(
      fc.property(scenarioArbitrary(fc.constant<Visibility>("hidden")), (scenario) => {
        for (const { spent, room, calls } of measureBudgets(scenario, simulate(scenario))) {
          expect(spent).toBeLessThanOrEqual(BigInt(calls) * room);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never reserves more than the room before the first call, so h unseen calls overshoot by at most h × (B − S)", () => {
    fc.assert(
      fc.property(scenarioArbitrary(fc.constantFrom<Visibility>("reserved", "finished", "hidden")), (scenario) => {
        const outcomes = simulate(scenario);
        for (const [index, b] of scenario.budgets.entries()) {
          if (b === null) continue;
          const room = toScaledInteger(b.limit) - toScaledInteger(b.spent);
          for (const o of outcomes.filter((c) => index >= 2 || c.extension === index)) expect(o.reserved).toBeLessThanOrEqual(room < 0n ? 0n : room);
        }
        for (const { spent, room, unseenCalls } of measureBudgets(scenario, outcomes)) expect(spent).toBeLessThanOrEqual(room + BigInt(unseenCalls) * room);
      }),
      { numRuns: 200 },
    );
  });
});
