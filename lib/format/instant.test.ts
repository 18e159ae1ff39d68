import { describe, expect, it } from "vitest";

import { formatInstant, formatInstantOr, toIso } from "./instant";

describe("formatInstant", () => {
  it("writes minutes in UTC with the zone, from an ISO string or a Date", () => {
    expect(formatInstant("2025-01-31T14:05:09.123Z")).toBe("2025-01-31 14:05 UTC");
    expect(formatInstant(new Date(Date.UTC(2025, 0, 31, 14, 5, 9)))).toBe("2025-01-31 14:05 UTC");
  });

  it("converts an instant written with an offset to UTC", () => {
    expect(formatInstant("2025-01-31T23:30:00+02:00")).toBe("2025-01-31 21:30 UTC");
    expect(formatInstant("2025-01-31T23:30:00-02:00")).toBe("2025-02-01 01:30 UTC");
  });

  it("adds seconds or leaves the zone out on request", () => {
    expect(formatInstant("2025-01-31T14:05:09Z", { hasSeconds: true })).toBe("2025-01-31 14:05:09 UTC");
    expect(formatInstant("2025-01-31T14:05:09Z", { hasZone: false })).toBe("2025-01-31 14:05");
  });

  it("throws on text that is not an instant rather than print a wrong date", () => {
    expect(() => formatInstant("yesterday")).toThrow(RangeError);
  });

  it("falls back for no time, and formats a time like formatInstant", () => {
    expect(formatInstantOr(null, "Never")).toBe("Never");
    expect(formatInstantOr(undefined, "—")).toBe("—");
    expect(formatInstantOr("2025-01-31T14:05:09Z", "Never", { hasSeconds: true })).toBe("2025-01-31 14:05:09 UTC");
  });

  it("toIso gives the <time dateTime> form of a string or a Date", () => {
    expect(toIso("2025-01-31T23:30:00+02:00")).toBe("2025-01-31T21:30:00.000Z");
    expect(toIso(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
  });
});
