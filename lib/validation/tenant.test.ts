import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageQuerySchema, tenantCreateSchema, tenantUpdateSchema } from "./tenant";

describe("tenant input", () => {
  it("trims the name, defaults the rest, and refuses unknown keys", () => {
    expect(tenantCreateSchema.parse({ name: "  ACME  " })).toEqual({ name: "ACME", description: "", autoWhitelistRestrictions: false });
    expect(tenantCreateSchema.safeParse({ name: "ACME", id: "x" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ name: "   " }).error?.issues[0]?.message).toBe("Tenant name is required.");
    expect(tenantCreateSchema.safeParse({ name: "a\u200bb" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ name: "x".repeat(201) }).success).toBe(false);
  });

  it("keeps line breaks in descriptions but not other control characters", () => {
    expect(tenantCreateSchema.parse({ name: "A", description: "line 1\r\nline 2" }).description).toBe("line 1\nline 2");
    expect(tenantCreateSchema.safeParse({ name: "A", description: "bell\u0007" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ name: "A", description: "x".repeat(1001) }).success).toBe(false);
  });

  it("needs at least one field to update", () => {
    expect(tenantUpdateSchema.safeParse({}).success).toBe(false);
    expect(tenantUpdateSchema.parse({ autoWhitelistRestrictions: true })).toEqual({ autoWhitelistRestrictions: true });
    expect(tenantUpdateSchema.safeParse({ autoWhitelistRestrictions: "true" }).success).toBe(false);
  });
});

describe("pagination", () => {
  it("round-trips any key through an opaque cursor", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }).filter((key) => !key.includes("\u0000")), (key) => {
        expect(decodeCursor(encodeCursor(key))).toBe(key);
      }),
    );
  });

  it("refuses cursors it did not make and out-of-range limits", () => {
    for (const bad of ["", "!!", "a", "%%%", "x".repeat(2000), "_w", encodeCursor("\u0000")]) expect(decodeCursor(bad), bad).toBeNull();
    expect(pageQuerySchema.parse({})).toEqual({ limit: 50, cursor: undefined });
    expect(pageQuerySchema.parse({ limit: "200", cursor: encodeCursor("acme") })).toEqual({ limit: 200, cursor: "acme" });
    for (const limit of ["0", "201", "-1", "1.5", "abc", "99999"]) expect(pageQuerySchema.safeParse({ limit }).success, limit).toBe(false);
    expect(pageQuerySchema.safeParse({ cursor: "not a cursor" }).error?.issues[0]?.message).toMatch(/cursor is not valid/);
  });
});
