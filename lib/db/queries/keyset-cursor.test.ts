import { describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor } from "./keyset-cursor";

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
