import { describe, expect, it } from "vitest";
import { listQuerySchema, tokenCreateSchema, tokenExpiryDaysSchema, userCreateSchema, userListQuerySchema, userUpdateSchema } from "./auth";

const tenantId = "6f1c1b0e-8a6b-4c61-9d51-3f5a2f0e7c11";

describe("userCreateSchema", () => {
  it("trims and lower-cases the e-mail and defaults the name", () => {
    expect(userCreateSchema.parse({ email: "  Ops@Example.COM ", role: "OPERATOR" })).toEqual({ email: "ops@example.com", name: "", role: "OPERATOR" });
  });

  it("ties the tenant to the TENANT_ADMIN role, both ways", () => {
    expect(userCreateSchema.safeParse({ email: "a@b.co", role: "TENANT_ADMIN" }).error?.issues[0]?.path).toEqual(["tenantId"]);
    expect(userCreateSchema.safeParse({ email: "a@b.co", role: "VIEWER", tenantId }).success).toBe(false);
    expect(userCreateSchema.safeParse({ email: "a@b.co", role: "TENANT_ADMIN", tenantId }).success).toBe(true);
  });

  it("refuses a bad e-mail, an unknown role and invisible characters in the name", () => {
    expect(userCreateSchema.safeParse({ email: "not-an-email", role: "VIEWER" }).error?.issues[0]?.message).toBe("Enter a valid e-mail address.");
    expect(userCreateSchema.safeParse({ email: "a@b.co", role: "ROOT" }).success).toBe(false);
    expect(userCreateSchema.safeParse({ email: "a@b.co", role: "VIEWER", name: "Eve\u202e" }).success).toBe(false);
  });
});

describe("userUpdateSchema", () => {
  it("accepts any non-empty subset and refuses unknown keys or nothing at all", () => {
    expect(userUpdateSchema.parse({ disabled: true })).toEqual({ disabled: true });
    expect(userUpdateSchema.parse({ role: "VIEWER", tenantId: null })).toEqual({ role: "VIEWER", tenantId: null });
    expect(userUpdateSchema.safeParse({}).success).toBe(false);
    expect(userUpdateSchema.safeParse({ email: "x@y.z" }).success).toBe(false);
    expect(userUpdateSchema.safeParse({ disabled: "yes" }).success).toBe(false);
  });
});

describe("tokenCreateSchema", () => {
  it("takes an ISO date-time with a zone or a date, in the future", () => {
    expect(tokenCreateSchema.parse({ name: " ci ", role: "VIEWER", expiresAt: "2099-01-01" })).toMatchObject({
      name: "ci",
      expiresAt: new Date("2099-01-01T00:00:00Z"),
    });
    expect(tokenCreateSchema.parse({ name: "ci", role: "VIEWER", expiresAt: "2099-01-01T10:00:00+01:00" }).expiresAt?.toISOString()).toBe("2099-01-01T09:00:00.000Z");
    for (const expiresAt of ["2001-01-01", "2099-01-01T10:00", "tomorrow", "1"]) {
      expect(tokenCreateSchema.safeParse({ name: "ci", role: "VIEWER", expiresAt }).success, expiresAt).toBe(false);
    }
    expect(tokenCreateSchema.parse({ name: "ci", role: "VIEWER" }).expiresAt).toBeUndefined();
  });

  it("needs a name and ties the tenant to the TENANT_ADMIN role", () => {
    expect(tokenCreateSchema.safeParse({ name: "   ", role: "VIEWER" }).error?.issues[0]?.message).toBe("Name is required.");
    expect(tokenCreateSchema.safeParse({ name: "t", role: "TENANT_ADMIN" }).success).toBe(false);
    expect(tokenCreateSchema.safeParse({ name: "t", role: "TENANT_ADMIN", tenantId }).success).toBe(true);
  });

  it("offers only the form's expiry choices", () => {
    expect(tokenExpiryDaysSchema.parse("30")).toBe(30);
    expect(tokenExpiryDaysSchema.parse("")).toBeNull();
    expect(tokenExpiryDaysSchema.safeParse("0").success).toBe(false);
    expect(tokenExpiryDaysSchema.safeParse("31").success).toBe(false);
  });
});

describe("listQuerySchema", () => {
  it("defaults the limit, bounds it, and refuses unknown parameters", () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: 50, cursor: undefined });
    expect(listQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(listQuerySchema.safeParse({ limit: "201" }).success).toBe(false);
    expect(listQuerySchema.safeParse({ page: "2" }).success).toBe(false);
  });
});

describe("hostile text", () => {
  it("refuses a NUL in the search and the cursor, and a lone surrogate in a token or user name", () => {
    expect(userListQuerySchema.safeParse({ search: "a\u0000b" }).error?.issues[0]?.path).toEqual(["search"]);
    expect(userListQuerySchema.safeParse({ cursor: "\u0000" }).success).toBe(false);
    expect(tokenCreateSchema.safeParse({ name: "ci \ud800", role: "VIEWER" }).error?.issues[0]?.message).toMatch(/unpaired surrogate/);
    expect(userUpdateSchema.safeParse({ name: "x\udfff" }).success).toBe(false);
    expect(tokenCreateSchema.safeParse({ name: "ci 😀", role: "VIEWER" }).success).toBe(true);
  });
});
