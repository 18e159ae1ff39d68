import { describe, expect, it } from "vitest";

import { daysOfMonthSoFar, fromMoneyUnits, percentOfBudget, reachedThresholds, toMoneyUnits, utcPeriods } from "./budget";

describe("percentOfBudget", () => {
  it("is exact and rounds down, so 80 % shows only once it is reached", () => {
    expect(percentOfBudget("4", "5")).toBe("80.00");
    expect(percentOfBudget("3.9999", "5")).toBe("79.99");
    expect(percentOfBudget("0.1", "0.3")).toBe("33.33");
    expect(percentOfBudget("0.3", "0.3")).toBe("100.00");
    expect(percentOfBudget("12.3456", "10")).toBe("123.45");
    expect(percentOfBudget("0", "25")).toBe("0.00");
  });

  it("has no share without a limit or against a limit of 0", () => {
    expect(percentOfBudget("1", null)).toBeNull();
    expect(percentOfBudget("1", "0")).toBeNull();
  });
});

describe("reachedThresholds", () => {
  it("compares whole units: one ten-thousandth below a threshold does not reach it", () => {
    expect(reachedThresholds("3.9999", "5")).toEqual([]);
    expect(reachedThresholds("4", "5")).toEqual([80]);
    expect(reachedThresholds("4.9999", "5")).toEqual([80]);
    expect(reachedThresholds("5", "5")).toEqual([80, 100]);
    expect(reachedThresholds("7.25", "5")).toEqual([80, 100]);
  });

  it("0.1 + 0.2 of a 0.3 budget is 100 % (no float)", () => {
    const spent = fromMoneyUnits(toMoneyUnits("0.1") + toMoneyUnits("0.2"));
    expect(spent).toBe("0.3000");
    expect(reachedThresholds(spent, "0.3")).toEqual([80, 100]);
  });

  it("reaches nothing without a limit or without spend, even against a limit of 0", () => {
    expect(reachedThresholds("100", null)).toEqual([]);
    expect(reachedThresholds("0", "0")).toEqual([]);
    expect(reachedThresholds("0.0001", "0")).toEqual([80, 100]);
  });
});

describe("utcPeriods", () => {
  it("takes the UTC day and month, whatever the hour", () => {
    const p = utcPeriods(new Date("2026-12-31T23:59:59.999Z"));
    expect(p.day).toBe("2026-12-31");
    expect(p.month).toBe("2026-12");
    expect(p.dayStart.toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(p.dayEnd.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(p.monthStart.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(p.monthEnd.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(utcPeriods(new Date("2027-01-01T00:00:00.000Z")).day).toBe("2027-01-01");
  });

  it("lists the days of the month so far", () => {
    expect(daysOfMonthSoFar(new Date("2026-02-03T10:00:00Z"))).toEqual(["2026-02-01", "2026-02-02", "2026-02-03"]);
    expect(daysOfMonthSoFar(new Date("2024-02-29T23:00:00Z"))).toHaveLength(29);
  });
});
