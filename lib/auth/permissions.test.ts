import { describe, expect, it } from "vitest";
import { hasPermission } from "./permissions";

describe("hasPermission", () => {
  it("gives administrators user management and settings", () => {
    expect(hasPermission("ADMIN", "users:manage")).toBe(true);
    expect(hasPermission("ADMIN", "settings:manage")).toBe(true);
  });

  it("keeps user management from every other role", () => {
    for (const role of ["OPERATOR", "VIEWER", "TENANT_ADMIN"] as const) {
      expect(hasPermission(role, "users:manage")).toBe(false);
      expect(hasPermission(role, "settings:manage")).toBe(false);
    }
  });

  it("makes viewers read-only", () => {
    expect(hasPermission("VIEWER", "policy:read")).toBe(true);
    expect(hasPermission("VIEWER", "policy:write")).toBe(false);
    expect(hasPermission("VIEWER", "bans:write")).toBe(false);
    expect(hasPermission("VIEWER", "deploy")).toBe(false);
  });

  it("limits tenant administrators to restrictions and bans", () => {
    expect(hasPermission("TENANT_ADMIN", "restrictions:write")).toBe(true);
    expect(hasPermission("TENANT_ADMIN", "bans:write")).toBe(true);
    expect(hasPermission("TENANT_ADMIN", "policy:read")).toBe(false);
    expect(hasPermission("TENANT_ADMIN", "nodes:read")).toBe(false);
    expect(hasPermission("TENANT_ADMIN", "audit:read")).toBe(false);
  });

  it("lets every role read calls and extension blocks (tenant administrators their own), and readers not lift them", () => {
    for (const role of ["ADMIN", "OPERATOR", "VIEWER", "TENANT_ADMIN"] as const) expect(hasPermission(role, "calls:read")).toBe(true);
    expect(hasPermission("VIEWER", "bans:write")).toBe(false);
  });
});
