import { describe, expect, it } from "vitest";

import { formatAge, formatDuration, formatRate, remainingBanTime, secondsSince, shortHash } from "./display";

const now = new Date("2026-11-21T12:00:00.000Z");

describe("formatDuration / formatAge", () => {
  it.each([
    [0, "0 s"],
    [59, "59 s"],
    [60, "1 min"],
    [3_599, "59 min"],
    [3_600, "1 h"],
    [7_500, "2 h 5 min"],
    [86_400, "1 d"],
    [273_600, "3 d 4 h"],
  ])("%i s is %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("says just now, never, and ago", () => {
    expect(formatAge(null)).toBe("never");
    expect(formatAge(3)).toBe("just now");
    expect(formatAge(125)).toBe("2 min ago");
  });
});

describe("secondsSince", () => {
  it("counts from now and never goes negative", () => {
    expect(secondsSince("2026-11-21T11:58:00.000Z", now)).toBe(120);
    expect(secondsSince(new Date("2026-11-21T12:01:00.000Z"), now)).toBe(0);
    expect(secondsSince(null, now)).toBeNull();
    expect(secondsSince("not a date", now)).toBeNull();
  });
});

describe("remainingBanTime", () => {
  it("tells permanent, unknown, expired and time left", () => {
    expect(remainingBanTime({ expiresAt: null, isPermanent: true }, now)).toEqual({ kind: "permanent" });
    expect(remainingBanTime({ expiresAt: null, isPermanent: false }, now)).toEqual({ kind: "unknown" });
    expect(remainingBanTime({ expiresAt: "2026-11-21T11:59:59.000Z", isPermanent: false }, now)).toEqual({ kind: "expired" });
    expect(remainingBanTime({ expiresAt: "2026-11-21T12:10:30.000Z", isPermanent: false }, now)).toEqual({ kind: "left", seconds: 630, text: "10 min" });
  });
});

describe("shortHash / formatRate", () => {
  it("shortens and formats", () => {
    expect(shortHash("0123456789abcdef0123")).toBe("0123456789ab");
    expect(formatRate(0.25)).toBe("0.25 pkt/s");
    expect(formatRate(12.345)).toBe("12.3 pkt/s");
    expect(formatRate(1204.4)).toBe("1,204 pkt/s");
  });
});
