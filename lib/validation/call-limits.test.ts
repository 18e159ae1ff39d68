import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  abuseDetectionSchema,
  compareDecimalStrings,
  currencySchema,
  extensionSchema,
  formatMoney,
  formInteger,
  moneySchema,
  normalizeDecimalString,
  routePrefixSchema,
  tenantCallLimitSchema,
} from "./call-limits";

const money = moneySchema("Amount");
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe("money", () => {
  it("accepts decimal strings and normalises their spelling", () => {
    expect(money.parse("25")).toBe("25");
    expect(money.parse(" 12.50 ")).toBe("12.5");
    expect(money.parse("0007.0000")).toBe("7");
    expect(money.parse("0")).toBe("0");
    expect(money.parse("9999999999.9999")).toBe("9999999999.9999");
  });

  it("refuses numbers, negatives, commas, exponents and too much precision, one message each", () => {
    const cases: Array<[unknown, RegExp]> = [
      [12.5, /decimal string/],
      ["", /required/],
      ["-1", /cannot be negative/],
      ["1,50", /point as the decimal separator/],
      ["1,000.00", /point as the decimal separator/],
      ["12345678901", /too large/],
      ["1.23456", /too many decimal places/],
      ["1e3", /decimal amount/],
      ["NaN", /decimal amount/],
      ["١٢", /decimal amount/],
      [".5", /decimal amount/],
      ["5.", /decimal amount/],
    ];
    for (const [input, expected] of cases) {
      const result = money.safeParse(input);
      expect(result.success, String(input)).toBe(false);
      expect(messages(result), String(input)).toHaveLength(1);
      expect(messages(result)[0], String(input)).toMatch(expected);
    }
  });

  it("compares decimal strings exactly", () => {
    expect(compareDecimalStrings("0.3", "0.30")).toBe(0);
    expect(compareDecimalStrings("0.1", "0.09")).toBe(1);
    expect(compareDecimalStrings("10", "9.9999")).toBe(1);
    expect(compareDecimalStrings("0009", "10")).toBe(-1);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }), fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }), (a, b) => {
        const text = (n: bigint) => `${n / 10_000n}.${(n % 10_000n).toString().padStart(4, "0")}`;
        expect(compareDecimalStrings(text(a), text(b))).toBe(a === b ? 0 : a < b ? -1 : 1);
      }),
    );
  });

  it("normalises without changing the value", () => {
    expect(normalizeDecimalString("000.000")).toBe("0");
    expect(normalizeDecimalString("10.10")).toBe("10.1");
  });

  it("formats from the string without float rounding", () => {
    expect(formatMoney("12345678901.1234", "EUR")).toBe("€12,345,678,901.1234");
    expect(formatMoney("0.1", "USD")).toBe("$0.10");
    expect(formatMoney("5", "JPY")).toBe("¥5");
  });
});

describe("currency, extension, prefix", () => {
  it("accepts known ISO 4217 codes in any case and refuses others", () => {
    expect(currencySchema.parse("eur")).toBe("EUR");
    expect(messages(currencySchema.safeParse("XYZ"))).toEqual([expect.stringMatching(/Unknown currency XYZ/)]);
    expect(messages(currencySchema.safeParse("EURO"))).toHaveLength(1);
    expect(currencySchema.safeParse(978).success).toBe(false);
  });

  it("accepts extensions Asterisk dials and refuses patterns and odd characters", () => {
    for (const ok of ["101", "2001", "*97", "alice", "+4930123", "sales-1"]) expect(extensionSchema.parse(ok)).toBe(ok);
    expect(messages(extensionSchema.safeParse("_X."))).toEqual([expect.stringMatching(/dial pattern/)]);
    for (const bad of ["", "10 1", "1;2", "a".repeat(41), "e\nxt", "１０１"]) expect(extensionSchema.safeParse(bad).success, bad).toBe(false);
  });

  it("accepts 1 to 15 digits with an optional leading +", () => {
    for (const ok of ["0", "00881", "+44", "123456789012345"]) expect(routePrefixSchema.parse(ok)).toBe(ok);
    for (const bad of ["", "+", "0044 20", "1234567890123456", "44-1", "++44"]) expect(routePrefixSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe("tenant call limits", () => {
  it("treats empty limits as none and refuses a monthly limit below the daily one", () => {
    expect(tenantCallLimitSchema.parse({ dailyLimit: "", monthlyLimit: "", currency: "EUR" })).toEqual({ dailyLimit: null, monthlyLimit: null, currency: "EUR" });
    expect(tenantCallLimitSchema.parse({ currency: "EUR" })).toEqual({ dailyLimit: null, monthlyLimit: null, currency: "EUR" });
    const result = tenantCallLimitSchema.safeParse({ dailyLimit: "10", monthlyLimit: "9.99", currency: "EUR" });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ["monthlyLimit"] })]);
  });
});

describe("abuse detection", () => {
  it("bounds calls and window, defaulting the window to 300 s", () => {
    expect(abuseDetectionSchema.parse({ enabled: true, maxCallsSameNumber: 5 }).windowSeconds).toBe(300);
    expect(messages(abuseDetectionSchema.safeParse({ enabled: true, maxCallsSameNumber: 0, windowSeconds: 300 }))).toEqual([
      "Maximum calls must be 1 to 1000 calls.",
    ]);
    expect(abuseDetectionSchema.safeParse({ enabled: true, maxCallsSameNumber: 5, windowSeconds: 9 }).success).toBe(false);
    expect(abuseDetectionSchema.safeParse({ enabled: true, maxCallsSameNumber: 5, windowSeconds: 86_401 }).success).toBe(false);
    expect(abuseDetectionSchema.safeParse({ enabled: true, maxCallsSameNumber: 2.5, windowSeconds: 300 }).success).toBe(false);
  });

  it("reads whole numbers from form text without guessing", () => {
    expect(formInteger("42")).toBe(42);
    expect(formInteger(" 7 ")).toBe(7);
    expect(formInteger("")).toBeUndefined();
    expect(formInteger(null)).toBeUndefined();
    expect(formInteger("4.5")).toBe("4.5");
    expect(formInteger("1e3")).toBe("1e3");
  });
});
