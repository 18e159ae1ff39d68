import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { tenantNetworkSettingsFormSchema, tenantNetworkSettingsSchema } from "./settings";
import {
  checkTenantAdminPrefix,
  decodeCursor,
  encodeCursor,
  overBroadReason,
  overlapReason,
  pageQuerySchema,
  pendingBadgeText,
  pendingReasonForTenantAdmin,
  tenantCreateSchema,
  tenantUpdateSchema,
} from "./tenant";

describe("tenant input", () => {
  it("trims the name, defaults the rest, and refuses unknown keys", () => {
    expect(tenantCreateSchema.parse({ name: "  ACME  " })).toEqual({ name: "ACME", description: "", autoWhitelistRestrictions: false, accountCode: null });
    expect(tenantCreateSchema.safeParse({ name: "ACME", id: "x" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ name: "   " }).error?.issues[0]?.message).toBe("Tenant name is required.");
    expect(tenantCreateSchema.safeParse({ name: "a\u200bb" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ name: "x".repeat(201) }).success).toBe(false);
  });

  it("trims an account code, clears it with an empty text or null, and refuses what the call guard cannot key on", () => {
    expect(tenantCreateSchema.parse({ name: "A", accountCode: " acme-1 " }).accountCode).toBe("acme-1");
    expect(tenantUpdateSchema.parse({ accountCode: "" }).accountCode).toBeNull();
    expect(tenantUpdateSchema.parse({ accountCode: null }).accountCode).toBeNull();
    for (const bad of ["acme corp", "a;b", "x".repeat(41), 7]) {
      const issue = tenantUpdateSchema.safeParse({ accountCode: bad }).error?.issues[0];
      expect(issue?.path, String(bad)).toEqual(["accountCode"]);
      expect(issue?.message).toMatch(/^Account code/);
    }
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

function net(text: string): ParsedNetwork {
  const parsed = parseNetwork(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("tenant administrators' networks", () => {
  const defaults = { minPrefix4: 24, minPrefix6: 48 };

  it("refuses prefixes shorter than the family's minimum, naming it, and accepts the minimum and narrower", () => {
    expect(checkTenantAdminPrefix(net("0.0.0.0/1"), defaults)).toMatch(/^0\.0\.0\.0\/1 is wider .* IPv4 networks must be \/24 or narrower/);
    expect(checkTenantAdminPrefix(net("192.0.2.0/23"), defaults)).toMatch(/\/24 or narrower/);
    expect(checkTenantAdminPrefix(net("2001:db8::/47"), defaults)).toMatch(/IPv6 networks must be \/48 or narrower/);
    for (const ok of ["192.0.2.0/24", "192.0.2.7", "2001:db8::/48", "2001:db8::1"]) expect(checkTenantAdminPrefix(net(ok), defaults), ok).toBeNull();
    // The IPv4 minimum says nothing about IPv6, and the other way round.
    expect(checkTenantAdminPrefix(net("2001:db8::/40"), { minPrefix4: 8, minPrefix6: 32 })).toBeNull();
    expect(checkTenantAdminPrefix(net("10.0.0.0/16"), { minPrefix4: 16, minPrefix6: 128 })).toBeNull();
  });

  it("words pending reasons, and hides the other tenant from a tenant administrator", () => {
    const reason = overlapReason("ACME", "198.51.100.0/24");
    expect(reason).toBe("overlaps ACME's 198.51.100.0/24");
    expect(pendingReasonForTenantAdmin(reason)).toBe("overlaps another tenant's network");
    expect(overBroadReason(net("2001:db0::/28"))).toBe("is over-broad (1/268,435,456 of all IPv6 addresses)");
    expect(overBroadReason(net("10.0.0.0/8"))).toBeNull();
    expect(pendingReasonForTenantAdmin("is over-broad (1/2 of all IPv4 addresses)")).toBe("is over-broad (1/2 of all IPv4 addresses)");
    expect(pendingBadgeText(reason)).toBe("Waiting for approval: overlaps ACME's 198.51.100.0/24");
  });

  it("bounds the minimums as the database does and reads form text with or without a slash", () => {
    expect(tenantNetworkSettingsFormSchema.parse({ minPrefix4: "/22", minPrefix6: " 40 " })).toEqual({ minPrefix4: 22, minPrefix6: 40 });
    for (const bad of [{ minPrefix4: 7, minPrefix6: 48 }, { minPrefix4: 33, minPrefix6: 48 }, { minPrefix4: 24, minPrefix6: 15 }, { minPrefix4: 24.5, minPrefix6: 48 }]) {
      expect(tenantNetworkSettingsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(tenantNetworkSettingsSchema.safeParse({ minPrefix4: 24 }).success).toBe(false);
    expect(tenantNetworkSettingsFormSchema.safeParse({ minPrefix4: "0x18", minPrefix6: "48" }).error?.issues[0]?.message).toMatch(/must be a number/);
  });
});
