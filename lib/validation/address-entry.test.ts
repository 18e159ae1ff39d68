import { describe, expect, it } from "vitest";
import {
  bulkDeleteSchema,
  canWriteScope,
  checkEntryNetwork,
  checkExpiry,
  entryCreateSchema,
  entryUpdateSchema,
  importBodySchema,
  listQuerySchema,
  managementReplaceSchema,
  resolveListScope,
  SCOPE_MESSAGE,
  SCOPE_WHITELIST_ONLY_MESSAGE,
  trustRank,
} from "./address-entry";

const now = new Date("2026-01-01T00:00:00Z");

describe("checkEntryNetwork", () => {
  it("gives the canonical network, refuses /0 and asks for confirmation of broad networks", () => {
    expect(checkEntryNetwork("2001:DB8:0:0::/64", false)).toMatchObject({ ok: true, value: { canonical: "2001:db8::/64" } });
    expect(checkEntryNetwork("::/0", true)).toMatchObject({ ok: false, field: "network", error: expect.stringContaining("/0 network") });
    expect(checkEntryNetwork("10.0.0.0/7", false)).toMatchObject({ ok: false, field: "confirmBroad", error: expect.stringContaining("1/128 of all IPv4") });
    expect(checkEntryNetwork("10.0.0.0/7", true)).toMatchObject({ ok: true });
    expect(checkEntryNetwork(42, false)).toMatchObject({ ok: false, field: "network" });
    expect(checkEntryNetwork(" 10.0.0.1", false)).toMatchObject({ ok: false, field: "network" });
  });
});

describe("checkExpiry", () => {
  it("takes empty as never, strict ISO instants in the future, and nothing else", () => {
    expect(checkExpiry("", now)).toEqual({ ok: true, value: null });
    expect(checkExpiry(null, now)).toEqual({ ok: true, value: null });
    expect(checkExpiry("2026-01-02T00:00:00+02:00", now)).toEqual({ ok: true, value: new Date("2026-01-01T22:00:00Z") });
    expect(checkExpiry("2026-01-01T00:00:00Z", now)).toMatchObject({ ok: false, error: expect.stringContaining("in the past") });
    expect(checkExpiry("2026-02-30T00:00:00Z", now)).toMatchObject({ ok: false });
    expect(checkExpiry("tomorrow", now)).toMatchObject({ ok: false, error: expect.stringContaining("ISO 8601") });
  });
});

describe("entry schemas", () => {
  it("parse a create body and refuse unknown keys and non-text networks", () => {
    const parsed = entryCreateSchema.parse({ network: "192.0.2.0/24", comment: "office" });
    expect(parsed).toMatchObject({ network: { canonical: "192.0.2.0/24" }, comment: "office", expiresAt: null, allowCovered: false });
    expect(entryCreateSchema.safeParse({ network: "192.0.2.1", list: "whitelist" }).success).toBe(false);
    expect(entryCreateSchema.safeParse({ network: 3232235521 }).success).toBe(false);
    expect(entryCreateSchema.safeParse({ network: "192.0.2.1", comment: 'say "hi"' }).success).toBe(false);
    expect(entryCreateSchema.safeParse("192.0.2.1").success).toBe(false);
  });

  it("parse an update where null clears the expiry and absent keeps it", () => {
    expect(entryUpdateSchema.parse({ expiresAt: null })).toMatchObject({ network: undefined, comment: undefined, expiresAt: null });
    expect(entryUpdateSchema.parse({ comment: "x" })).toMatchObject({ expiresAt: undefined });
  });

  it("coerce list queries and bound them", () => {
    expect(listQuerySchema.parse({ limit: "20", q: "  scanner " })).toMatchObject({ limit: 20, q: "scanner", status: "all", sort: "newest" });
    expect(listQuerySchema.parse({ q: "   " }).q).toBeUndefined();
    for (const bad of [{ limit: "0" }, { limit: "501" }, { limit: "x" }, { status: "gone" }, { sort: "random" }, { covers: "10.1" }, { q: "a\u0000b" }]) {
      expect(listQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(listQuerySchema.parse({ covers: "192.0.2.7" }).covers?.canonical).toBe("192.0.2.7");
  });

  it("take a bulk delete by ids or by filter with its confirmed count", () => {
    expect(bulkDeleteSchema.safeParse({ ids: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"] }).success).toBe(true);
    expect(bulkDeleteSchema.safeParse({ ids: [] }).success).toBe(false);
    expect(bulkDeleteSchema.safeParse({ ids: ["x"] }).success).toBe(false);
    expect(bulkDeleteSchema.safeParse({ filter: { q: "x" }, expectedCount: 3 }).success).toBe(true);
    expect(bulkDeleteSchema.safeParse({ filter: { q: "x" } }).success).toBe(false);
  });

  it("refuse a management list with the same network twice, naming the entry", () => {
    const result = managementReplaceSchema.safeParse({ entries: [{ network: "192.0.2.0/24" }, { network: "192.0.2.0/24" }] });
    expect(result.success).toBe(false);
    expect(!result.success && result.error.issues[0]).toMatchObject({ path: ["entries", 1, "network"], message: expect.stringContaining("entry 1") });
  });

  it("apply import defaults", () => {
    expect(importBodySchema.parse({ text: "192.0.2.1" })).toEqual({ text: "192.0.2.1", format: "auto", comment: "", allowCovered: false, confirmBroad: false });
  });
});

describe("trust scope", () => {
  it("is optional on create and edit, read case-insensitively, and refused when it is not a scope", () => {
    expect(entryCreateSchema.parse({ network: "192.0.2.1" })).not.toHaveProperty("scope");
    expect(entryCreateSchema.parse({ network: "192.0.2.1", scope: "sip" }).scope).toBe("SIP");
    expect(entryCreateSchema.parse({ network: "192.0.2.1", scope: "no-ban" }).scope).toBe("NO_BAN");
    expect(entryUpdateSchema.parse({ scope: "ALL" })).toMatchObject({ scope: "ALL" });
    expect(entryUpdateSchema.parse({ comment: "x" })).not.toHaveProperty("scope");
    const bad = entryCreateSchema.safeParse({ network: "192.0.2.1", scope: "EVERYTHING" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["scope"], message: SCOPE_MESSAGE });
    expect(entryCreateSchema.safeParse({ network: "192.0.2.1", scope: 1 }).success).toBe(false);
    expect(importBodySchema.parse({ text: "192.0.2.1", scope: "NO_BAN" }).scope).toBe("NO_BAN");
    expect(listQuerySchema.parse({ scope: "sip" }).scope).toBe("SIP");
    expect(listQuerySchema.parse({ scope: "" }).scope).toBeUndefined();
    expect(listQuerySchema.safeParse({ scope: "any" }).success).toBe(false);
  });

  it("defaults to ALL on the whitelist and is refused, not ignored, on every other list", () => {
    expect(resolveListScope("whitelist", undefined, "ALL")).toEqual({ ok: true, value: "ALL" });
    expect(resolveListScope("whitelist", "SIP", "ALL")).toEqual({ ok: true, value: "SIP" });
    expect(resolveListScope("whitelist", undefined, undefined)).toEqual({ ok: true, value: null });
    for (const kind of ["blocklist", "management", "tenant"] as const) {
      expect(resolveListScope(kind, undefined, "ALL")).toEqual({ ok: true, value: null });
      expect(resolveListScope(kind, "SIP", "ALL")).toEqual({ ok: false, error: SCOPE_WHITELIST_ONLY_MESSAGE });
    }
  });

  it("lets only administrators write ALL, and orders scopes by what they trust", () => {
    expect(canWriteScope("ADMIN", "ALL")).toBe(true);
    for (const role of ["OPERATOR", "VIEWER", "TENANT_ADMIN"] as const) expect(canWriteScope(role, "ALL")).toBe(false);
    expect(canWriteScope("OPERATOR", "SIP")).toBe(true);
    expect(canWriteScope("OPERATOR", "NO_BAN")).toBe(true);
    expect(trustRank("ALL")).toBeGreaterThan(trustRank("SIP"));
    expect(trustRank("SIP")).toBeGreaterThan(trustRank("NO_BAN"));
  });
});
