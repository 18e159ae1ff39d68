import { describe, expect, it } from "vitest";
import { auditApiQuerySchema, auditFilterSchema, auditPageSchema } from "./audit-log";

describe("auditFilterSchema", () => {
  it("reads times without a zone as UTC, with a zone as given, and a date alone as a whole day", () => {
    const parsed = auditFilterSchema.parse({ from: "2030-01-31T12:00", to: "2030-02-01" });
    expect(parsed.from?.toISOString()).toBe("2030-01-31T12:00:00.000Z");
    expect(parsed.to?.toISOString()).toBe("2030-02-01T23:59:59.999Z");
    expect(auditFilterSchema.parse({ from: "2030-01-31T12:00:00+02:00" }).from?.toISOString()).toBe("2030-01-31T10:00:00.000Z");
    expect(auditFilterSchema.parse({ from: "2030-01-31" }).from?.toISOString()).toBe("2030-01-31T00:00:00.000Z");
  });

  it("treats empty fields (a submitted GET form) as no filter and trims text", () => {
    expect(auditFilterSchema.parse({ actor: "  ", action: "", objectType: " user ", from: "", to: "" })).toEqual({ objectType: "user" });
  });

  it("refuses impossible dates, free text times, control characters and a range that ends before it starts", () => {
    for (const input of [{ from: "2030-02-30" }, { from: "2030-02-30T00:00" }, { to: "yesterday" }, { from: "1700000000" }, { actor: "a\u0000b" }]) {
      expect(auditFilterSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    }
    const reversed = auditFilterSchema.safeParse({ from: "2030-01-02", to: "2030-01-01" });
    expect(reversed.success).toBe(false);
    expect(reversed.error?.issues[0]).toMatchObject({ path: ["to"], message: "The end of the range is before its start." });
  });
});

describe("paging", () => {
  it("defaults and bounds the limit, and knows the two directions", () => {
    expect(auditPageSchema.parse({})).toEqual({ limit: 50, cursor: undefined, direction: "older" });
    expect(auditPageSchema.parse({ limit: "200", cursor: "abc", direction: "newer" })).toEqual({ limit: 200, cursor: "abc", direction: "newer" });
    for (const limit of ["0", "201", "1.5", "-1", "ten"]) expect(auditPageSchema.safeParse({ limit }).success, limit).toBe(false);
    expect(auditPageSchema.safeParse({ direction: "sideways" }).success).toBe(false);
  });

  it("refuses unknown API query parameters instead of ignoring a misspelt filter", () => {
    expect(auditApiQuerySchema.safeParse({ actr: "x" }).success).toBe(false);
    expect(auditApiQuerySchema.parse({ actor: "x", limit: "5" })).toMatchObject({ actor: "x", limit: 5 });
  });
});
