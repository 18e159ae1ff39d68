import { describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, toTwoWayPage } from "./keyset-cursor";

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

describe("keyset cursors", () => {
  it("round-trip a key and refuse a key of another length or type", () => {
    const cursor = encodeKeysetCursor(["2026-11-21T10:00:00.000Z", "42"]);
    expect(decodeKeysetCursor(cursor, 2)).toEqual(["2026-11-21T10:00:00.000Z", "42"]);
    expect(refusal(() => decodeKeysetCursor(cursor, 3)).fieldErrors).toHaveProperty("cursor");
    expect(refusal(() => decodeKeysetCursor(Buffer.from("[1,2]").toString("base64url"), 2)).code).toBe("VALIDATION");
    expect(refusal(() => decodeKeysetCursor("not a cursor", 2)).code).toBe("VALIDATION");
  });

  it("takes only instants as toISOString writes them, which PostgreSQL also accepts", () => {
    expect(cursorInstant("2026-11-21T10:00:00.123Z").toISOString()).toBe("2026-11-21T10:00:00.123Z");
    for (const bad of ["1 2", "2026-11-21", "2026-11-21T10:00:00Z", "0000-01-01T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "+275760-09-13T00:00:00.000Z"]) {
      expect(refusal(() => cursorInstant(bad)).code, bad).toBe("VALIDATION");
    }
  });
});

describe("toTwoWayPage", () => {
  const cursorOf = (n: number, direction: "after" | "before") => `${direction}:${n}`;

  it("forward from the start: no previous page; a next one only when the extra row was read", () => {
    expect(toTwoWayPage([1, 2, 3, 4], { limit: 3, isBackward: false, hasCursor: false }, cursorOf)).toEqual({ items: [1, 2, 3], nextCursor: "after:3", prevCursor: null });
    expect(toTwoWayPage([1, 2], { limit: 3, isBackward: false, hasCursor: false }, cursorOf)).toEqual({ items: [1, 2], nextCursor: null, prevCursor: null });
  });

  it("forward from a cursor: always a previous page", () => {
    expect(toTwoWayPage([4, 5], { limit: 3, isBackward: false, hasCursor: true }, cursorOf)).toEqual({ items: [4, 5], nextCursor: null, prevCursor: "before:4" });
  });

  it("backward: rows come in reverse and are put in display order; a previous page only when the extra row was read", () => {
    expect(toTwoWayPage([6, 5, 4, 3], { limit: 3, isBackward: true, hasCursor: true }, cursorOf)).toEqual({ items: [4, 5, 6], nextCursor: "after:6", prevCursor: "before:4" });
    expect(toTwoWayPage([2, 1], { limit: 3, isBackward: true, hasCursor: true }, cursorOf)).toEqual({ items: [1, 2], nextCursor: "after:2", prevCursor: null });
  });

  it("an empty page has no cursors", () => {
    expect(toTwoWayPage([], { limit: 3, isBackward: true, hasCursor: true }, cursorOf)).toEqual({ items: [], nextCursor: null, prevCursor: null });
  });
});
