/**
 * fast-check arbitraries of call guard inputs, shared by the reference model's tests and the sh agreement test.
 * Test support only: nothing in the product imports it.
 */
import fc from "fast-check";
import type { CallInProgress, CallStart, GuardBudget, GuardInput } from "@/lib/guard/decide";
import { fromScaledInteger, toScaledInteger, type PricedRate } from "@/lib/pricing/price";

/** Units of 1/10,000 as a DECIMAL(14,4) string, spelt with 0 to 4 decimals when exact (as people type amounts). */
export function moneyText(units: bigint, places = 4): string {
  const text = fromScaledInteger(units, 4);
  const cut = 4 - places;
  return cut > 0 && text.endsWith("0".repeat(cut)) ? text.slice(0, places === 0 ? -5 : -cut) : text;
}

const LARGEST_UNITS = 10n ** 14n - 1n;

/** An amount: mostly small (so caps vary), sometimes anywhere up to DECIMAL(14,4)'s largest. */
export const amountArbitrary = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 200_000n }) },
      { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 100_000_000n }) },
      { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: LARGEST_UNITS }) },
    ),
    fc.integer({ min: 0, max: 4 }),
    fc.boolean(),
  )
  .map(([units, places, isPadded]) => {
    // Leading zeros are valid DECIMAL text, and the trap of sh arithmetic (010 is 8).
    const text = moneyText(units, places);
    return isPadded && text.split(".")[0]!.length <= 8 ? `00${text}` : text;
  });

export const incrementArbitrary = fc.oneof(
  fc.constantFrom(1, 6, 30, 60),
  fc.integer({ min: 1, max: 120 }),
  fc.integer({ min: 1, max: 3600 }),
);

export const rateArbitrary: fc.Arbitrary<PricedRate> = fc.record({
  prefix: fc.constant("44"),
  // Amounts that land a cost on exactly half a minor unit test the rounding (half up) on both sides.
  costPerMinute: fc.oneof(fc.constant("0"), fc.constantFrom("0.005", "0.0005", "0.05", "0.5", "1", "0.3"), amountArbitrary),
  connectionFee: fc.oneof({ weight: 3, arbitrary: fc.constant("0") }, fc.constantFrom("0.005", "0.5"), amountArbitrary),
  firstIncrement: incrementArbitrary,
  nextIncrement: incrementArbitrary,
});

/** A budget's limit: larger than most costs, so most decisions get to the cap. */
const limitArbitrary = fc.oneof(
  amountArbitrary,
  fc.bigInt({ min: 0n, max: 1_000_000_000n }).map((units) => moneyText(units)),
);

/** A budget, mostly with room left (spend a fraction of the limit, sometimes above it), or null: unlimited. */
export const budgetArbitrary: fc.Arbitrary<GuardBudget | null> = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(limitArbitrary, fc.integer({ min: 0, max: 1100 })).map(([limit, permille]) => {
        const spent = (toScaledInteger(limit) * BigInt(permille)) / 1000n;
        return { limit, spent: moneyText(spent > LARGEST_UNITS ? LARGEST_UNITS : spent) };
      }) },
    { weight: 1, arbitrary: fc.record({ limit: amountArbitrary, spent: amountArbitrary }) },
  ),
  { freq: 3 },
);

export const numberArbitrary = fc
  .tuple(fc.constantFrom("", "+", "00", "0"), fc.constantFrom("44207", "4420", "331"), fc.stringMatching(/^\d{0,6}$/))
  .map(([lead, country, rest]) => `${lead}${country}${rest}`.slice(0, 33))
  .filter((number) => /^\+?\d{1,32}$/.test(number));

export const callArbitrary: fc.Arbitrary<CallInProgress> = fc.record({
  isThisExtension: fc.boolean(),
  reserved: fc.bigInt({ min: 0n, max: 50_000n }).map((units) => moneyText(units)),
});

/** A whole guard input; starts lie around `now` and often dial the same number, so the abuse window's edges get hit. */
export const guardInputArbitrary: fc.Arbitrary<GuardInput> = fc
  .record({
    now: fc.integer({ min: 100_000, max: 9_999_000_000 }),
    number: numberArbitrary,
    rate: fc.option(rateArbitrary, { freq: 8 }),
    currency: fc.constantFrom("EUR", "EUR", "JPY", "BHD", "CLF"),
    routeMaxCostPerMinute: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, amountArbitrary),
    extensionDaily: budgetArbitrary,
    tenantDaily: budgetArbitrary,
    tenantMonthly: budgetArbitrary,
    callsInProgress: fc.array(callArbitrary, { maxLength: 3 }),
    startOffsets: fc.array(
      fc.record({ ago: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.constantFrom(9, 10, 11, 299, 300, 301)), sameNumber: fc.boolean(), other: numberArbitrary }),
      { maxLength: 8 },
    ),
    abuse: fc.record({
      enabled: fc.boolean(),
      maxCallsSameNumber: fc.integer({ min: 1, max: 6 }),
      windowSeconds: fc.constantFrom(10, 300, 301, 86_400),
    }),
    maxCallSeconds: fc.option(fc.oneof(fc.constant(14_400), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 86_400 })), { nil: undefined }),
  })
  .map(({ startOffsets, ...input }) => {
    const recentStarts: CallStart[] = startOffsets.map((start) => ({
      at: input.now - start.ago,
      number: start.sameNumber ? swapInternationalSpelling(input.number) : start.other,
    }));
    return { ...input, recentStarts };
  });

/** "+44…" ↔ "0044…": the same international number spelt the other way (national numbers stay as they are). */
export function swapInternationalSpelling(number: string): string {
  if (number.startsWith("+") && number.length <= 31) return `00${number.slice(1)}`;
  if (number.startsWith("00")) return `+${number.slice(2)}`;
  return number;
}
