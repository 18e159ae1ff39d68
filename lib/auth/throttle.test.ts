import { describe, expect, it } from "vitest";
import { computeBlockedUntil } from "./throttle";

const now = new Date("2026-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const window = 15 * 60_000;

describe("computeBlockedUntil", () => {
  it("does not block below the limit", () => {
    expect(computeBlockedUntil([minutesAgo(1), minutesAgo(2)], 3, window, now)).toBeNull();
  });

  it("blocks at the limit until the oldest counted failure leaves the window", () => {
    const until = computeBlockedUntil([minutesAgo(1), minutesAgo(2), minutesAgo(10)], 3, window, now);
    expect(until?.toISOString()).toBe(new Date(minutesAgo(10).getTime() + window).toISOString());
  });

  it("uses the limit-th newest failure, not the oldest row", () => {
    const until = computeBlockedUntil([minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(14)], 3, window, now);
    expect(until?.getTime()).toBe(minutesAgo(3).getTime() + window);
  });

  it("never blocks on failures that already aged out", () => {
    expect(computeBlockedUntil([minutesAgo(16), minutesAgo(17), minutesAgo(18)], 3, window, now)).toBeNull();
  });
});
