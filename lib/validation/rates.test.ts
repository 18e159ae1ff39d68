import { describe, expect, it } from "vitest";
import { formatIncrement, parseIncrement, priceQuerySchema, ratePrefixSchema, rateImportQuerySchema } from "./rates";

describe("rate validation", () => {
  it("reads first/next increments, a single number meaning both", () => {
    expect(parseIncrement("30/6")).toEqual({ ok: true, value: { first: 30, next: 6 } });
    expect(parseIncrement(" 60 / 60 ")).toEqual({ ok: true, value: { first: 60, next: 60 } });
    expect(parseIncrement("1")).toEqual({ ok: true, value: { first: 1, next: 1 } });
    expect(parseIncrement("")).toMatchObject({ ok: false, error: expect.stringContaining("required") });
    expect(parseIncrement("60/0")).toMatchObject({ ok: false, error: "The next increment must be 1 to 3600 seconds (got 0)." });
    expect(parseIncrement("1.5/1")).toMatchObject({ ok: false });
    expect(formatIncrement({ first: 30, next: 6 })).toBe("30/6");
  });

  it("normalises a prefix's leading + away and refuses anything but digits", () => {
    expect(ratePrefixSchema.parse(" +4420 ")).toBe("4420");
    expect(ratePrefixSchema.safeParse("44 20").success).toBe(false);
    expect(ratePrefixSchema.safeParse("1".repeat(21)).error?.issues[0]?.message).toBe("Prefix is too long: at most 20 digits.");
  });

  it("reads a price query: the number as given (+ removed) and a duration defaulting to a minute", () => {
    expect(priceQuerySchema.parse({ number: "+442071234567" })).toEqual({ number: "442071234567", duration: 60 });
    expect(priceQuerySchema.parse({ number: "0044", duration: "0" })).toEqual({ number: "0044", duration: 0 });
    expect(priceQuerySchema.safeParse({ number: "44-20" }).error?.issues[0]?.message).toContain("digits");
    expect(priceQuerySchema.safeParse({ number: "44", duration: "1.5" }).error?.issues[0]?.message).toContain("whole number of seconds");
    expect(priceQuerySchema.safeParse({ number: "44", duration: "86401" }).success).toBe(false);
    expect(priceQuerySchema.safeParse({ number: "44", extra: "1" }).success).toBe(false);
    expect(rateImportQuerySchema.parse({})).toEqual({ dryRun: false });
    expect(rateImportQuerySchema.parse({ dryRun: "true" })).toEqual({ dryRun: true });
  });
});
