import { describe, expect, it } from "vitest";

import { banListQuerySchema, unbanRequestSchema } from "./bans";

describe("banListQuerySchema", () => {
  it("parses the page's query string, with defaults", () => {
    const q = banListQuerySchema.parse({ q: " 198.18.0.0/16 ", country: "de", jail: "rampart-asterisk", node: "", sort: "", limit: "20" });
    expect(q).toMatchObject({ country: "DE", jail: "rampart-asterisk", node: undefined, sort: "bannedAt", limit: 20 });
    expect(q.q?.canonical).toBe("198.18.0.0/16");
    expect(banListQuerySchema.parse({})).toEqual({ sort: "bannedAt", limit: 50 });
  });

  it("refuses non-strict addresses, host bits, bad countries, jails and node ids", () => {
    const result = banListQuerySchema.safeParse({ q: "198.018.0.1", country: "Germany", jail: "a b", node: "1", sort: "random" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(["country", "jail", "node", "q", "sort"]);
    expect(banListQuerySchema.safeParse({ q: "198.18.0.1/16" }).success).toBe(false);
  });
});

describe("unbanRequestSchema", () => {
  const future = new Date(Date.now() + 3_600_000).toISOString();

  it("canonicalises and de-duplicates addresses", () => {
    const r = unbanRequestSchema.parse({ addresses: ["2001:DB8::1", "2001:db8:0::1", "198.18.0.1"], nodeIds: "all" });
    expect(r.addresses.map((a) => a.canonical)).toEqual(["2001:db8::1", "198.18.0.1"]);
    expect(r).toMatchObject({ nodeIds: "all", then: "none", comment: "", expiresAt: null });
  });

  it("takes an expiry only for unban and whitelist, and only in the future", () => {
    expect(unbanRequestSchema.parse({ addresses: ["198.18.0.1"], nodeIds: "all", then: "whitelist", expiresAt: future }).expiresAt?.toISOString()).toBe(future);
    expect(unbanRequestSchema.safeParse({ addresses: ["198.18.0.1"], nodeIds: "all", then: "block", expiresAt: future }).success).toBe(false);
    expect(unbanRequestSchema.safeParse({ addresses: ["198.18.0.1"], nodeIds: "all", then: "whitelist", expiresAt: "2020-01-01T00:00:00Z" }).success).toBe(false);
  });

  it("refuses bad addresses by index, /0, an empty node list, unknown fields and comments with quotes", () => {
    const bad = unbanRequestSchema.safeParse({ addresses: ["198.18.0.1", "::ffff:198.18.0.1"], nodeIds: "all" });
    expect(bad.error?.issues[0]?.path).toEqual(["addresses", 1]);
    expect(unbanRequestSchema.safeParse({ addresses: ["0.0.0.0/0"], nodeIds: "all" }).success).toBe(false);
    expect(unbanRequestSchema.safeParse({ addresses: ["198.18.0.1"], nodeIds: [] }).success).toBe(false);
    expect(unbanRequestSchema.safeParse({ addresses: ["198.18.0.1"], nodeIds: "all", force: true }).success).toBe(false);
    expect(unbanRequestSchema.safeParse({ addresses: ["198.18.0.1"], nodeIds: "all", then: "whitelist", comment: 'x"; rm' }).success).toBe(false);
  });
});
