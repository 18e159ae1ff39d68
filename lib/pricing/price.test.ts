import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  billedSeconds,
  currencyMinorUnitDigits,
  divideRoundHalfUp,
  findLongestPrefixRate,
  fromScaledInteger,
  prefixesOf,
  priceCall,
  toScaledInteger,
  type PricedRate,
} from "./price";

const rate = (overrides: Partial<PricedRate> = {}): PricedRate => ({
  prefix: "44",
  costPerMinute: "0.1",
  connectionFee: "0",
  firstIncrement: 60,
  nextIncrement: 60,
  ...overrides,
});

/** A decimal string of at most 4 places, as the money schema lets through. */
const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 99_999n }), fc.integer({ min: 0, max: 4 }))
  .map(([units, places]) => fromScaledInteger(units, places));
const increment = fc.integer({ min: 1, max: 3600 });
const duration = fc.integer({ min: 0, max: 86_400 });

describe("billed seconds", () => {
  it("bills nothing for a call that never lasted, then the first increment, then whole next increments", () => {
    expect(billedSeconds(0, 60, 60)).toBe(0);
    expect(billedSeconds(1, 60, 60)).toBe(60);
    expect(billedSeconds(60, 60, 60)).toBe(60);
    expect(billedSeconds(61, 60, 60)).toBe(120);
    expect(billedSeconds(31, 30, 6)).toBe(36);
    expect(billedSeconds(36, 30, 6)).toBe(36);
    expect(billedSeconds(37, 30, 6)).toBe(42);
    expect(billedSeconds(7, 1, 1)).toBe(7);
  });

  it("refuses a negative or fractional duration and increments below 1", () => {
    expect(() => billedSeconds(-1, 60, 60)).toThrow(RangeError);
    expect(() => billedSeconds(1.5, 60, 60)).toThrow(RangeError);
    expect(() => billedSeconds(10, 0, 60)).toThrow(RangeError);
  });

  it("covers the call and stays below the call plus one increment (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 }), increment, increment, (d, first, next) => {
        const billed = billedSeconds(d, first, next);
        expect(billed).toBeGreaterThanOrEqual(d);
        expect(billed).toBeLessThan(d + Math.max(first, next));
        // Past the first increment, what is billed beyond it is whole next increments.
        if (d > first) {
          expect((billed - first) % next).toBe(0);
          expect(billed - d).toBeLessThan(next);
        }
      }),
    );
  });
});

describe("longest-prefix match", () => {
  const rates = [rate({ prefix: "4" }), rate({ prefix: "44" }), rate({ prefix: "447" }), rate({ prefix: "4420" })];

  it("picks the longest prefix the number starts with", () => {
    expect(findLongestPrefixRate(rates, "447911123456")?.prefix).toBe("447");
    expect(findLongestPrefixRate(rates, "442071234567")?.prefix).toBe("4420");
    expect(findLongestPrefixRate(rates, "441614960000")?.prefix).toBe("44");
    expect(findLongestPrefixRate(rates, "49301234")?.prefix).toBe("4");
    expect(findLongestPrefixRate(rates, "33123")).toBeNull();
    expect(findLongestPrefixRate([], "44")).toBeNull();
  });

  it("lists a number's prefixes longest first, at most 20 digits", () => {
    expect(prefixesOf("4420")).toEqual(["4420", "442", "44", "4"]);
    expect(prefixesOf("1".repeat(30))).toHaveLength(20);
  });

  it("always answers the longest matching prefix, whatever the order of the table (property)", () => {
    const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.uniqueArray(digits, { maxLength: 30 }), digits, (prefixes, number) => {
        const table = prefixes.map((prefix) => rate({ prefix }));
        const found = findLongestPrefixRate(table, number);
        const matching = prefixes.filter((p) => number.startsWith(p));
        if (matching.length === 0) {
          expect(found).toBeNull();
          return;
        }
        const longest = Math.max(...matching.map((p) => p.length));
        expect(found?.prefix.length).toBe(longest);
        expect(number.startsWith(found!.prefix)).toBe(true);
        expect(findLongestPrefixRate([...table].reverse(), number)?.prefix).toBe(found?.prefix);
        // The SQL look-up asks for exactly prefixesOf(number): the same answer among those rows.
        const candidates = new Set(prefixesOf(number));
        expect(findLongestPrefixRate(table.filter((r) => candidates.has(r.prefix)), number)?.prefix).toBe(found?.prefix);
      }),
    );
  });
});

describe("exact decimals", () => {
  it("scales and unscales without a float", () => {
    expect(toScaledInteger("0.1")).toBe(1000n);
    expect(toScaledInteger("12.3456")).toBe(123456n);
    expect(toScaledInteger("9999999999.9999")).toBe(99999999999999n);
    expect(fromScaledInteger(5n, 2)).toBe("0.05");
    expect(fromScaledInteger(1234n, 2)).toBe("12.34");
    expect(fromScaledInteger(15n, 0)).toBe("15");
    expect(() => toScaledInteger("1.23456")).toThrow(RangeError);
    expect(() => toScaledInteger("-1")).toThrow(RangeError);
    expect(() => toScaledInteger("1e3")).toThrow(RangeError);
  });

  it("rounds half up", () => {
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(25n, 10n)).toBe(3n);
  });

  it("adds 0.1 and 0.2 to exactly 0.3 (a fee of 0.1 and a minute at 0.2)", () => {
    expect(priceCall(rate({ connectionFee: "0.1", costPerMinute: "0.2" }), 60, "EUR").cost).toBe("0.30");
    expect(priceCall(rate({ connectionFee: "0.1", costPerMinute: "0.2" }), 60, "BHD").cost).toBe("0.300");
    // Three minutes at 0.1: 0.30000000000000004 in floating point.
    expect(priceCall(rate({ costPerMinute: "0.1" }), 180, "EUR").cost).toBe("0.30");
  });

  it("knows each currency's minor unit", () => {
    expect(currencyMinorUnitDigits("EUR")).toBe(2);
    expect(currencyMinorUnitDigits("JPY")).toBe(0);
    expect(currencyMinorUnitDigits("BHD")).toBe(3);
  });
});

describe("pricing a call", () => {
  it("charges the connection fee plus the billed minutes, rounded half up to the minor unit", () => {
    // 30/6 at 0.0125 a minute: 37 s bills 42 s = 0.00875, half up to 0.01, plus a fee of 0.05.
    expect(priceCall(rate({ costPerMinute: "0.0125", connectionFee: "0.05", firstIncrement: 30, nextIncrement: 6 }), 37, "EUR")).toEqual({
      durationSeconds: 37,
      billedSeconds: 42,
      cost: "0.06",
      minorUnitDigits: 2,
    });
    // Exactly half a cent rounds up: 0.3 a minute for 1 s on 1/1 is 0.005.
    expect(priceCall(rate({ costPerMinute: "0.3", firstIncrement: 1, nextIncrement: 1 }), 1, "EUR").cost).toBe("0.01");
    // Just under half a cent rounds down: 0.2999 a minute for 1 s.
    expect(priceCall(rate({ costPerMinute: "0.2999", firstIncrement: 1, nextIncrement: 1 }), 1, "EUR").cost).toBe("0.00");
    // A call of 0 s costs the connection fee alone.
    expect(priceCall(rate({ connectionFee: "0.25" }), 0, "EUR")).toMatchObject({ billedSeconds: 0, cost: "0.25" });
    // Yen have no minor unit: 7.5 rounds to 8.
    expect(priceCall(rate({ costPerMinute: "7.5" }), 60, "JPY").cost).toBe("8");
    // The largest amounts stay exact.
    expect(priceCall(rate({ costPerMinute: "9999999999.9999", connectionFee: "9999999999.9999" }), 86_400, "EUR").cost).toBe("14409999999999.86");
  });

  it("never costs less for a longer call, and never less than the connection fee (property)", () => {
    fc.assert(
      fc.property(amount, amount, increment, increment, duration, duration, (cost, fee, first, next, a, b) => {
        const r = rate({ costPerMinute: cost, connectionFee: fee, firstIncrement: first, nextIncrement: next });
        const [short, long] = a <= b ? [a, b] : [b, a];
        const shortCost = toScaledInteger(priceCall(r, short, "EUR").cost, 2);
        const longCost = toScaledInteger(priceCall(r, long, "EUR").cost, 2);
        expect(shortCost <= longCost).toBe(true);
        expect(shortCost >= divideRoundHalfUp(toScaledInteger(fee), 100n)).toBe(true);
      }),
    );
  });

  it("equals the exact rational cost within half a minor unit (property)", () => {
    fc.assert(
      fc.property(amount, amount, increment, increment, duration, (cost, fee, first, next, d) => {
        const price = priceCall(rate({ costPerMinute: cost, connectionFee: fee, firstIncrement: first, nextIncrement: next }), d, "EUR");
        // Compare in units of 1/(60 × 10^6): cost × 100 × 60 × 10^4 against the exact numerator × 100.
        const exact = (toScaledInteger(fee) * 60n + toScaledInteger(cost) * BigInt(price.billedSeconds)) * 100n;
        const rounded = toScaledInteger(price.cost, 2) * 60n * 10_000n;
        const half = 30n * 10_000n;
        expect(rounded - exact <= half && exact - rounded < half).toBe(true);
      }),
    );
  });
});
