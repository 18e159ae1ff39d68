import { describe, expect, it } from "vitest";
import type { Role } from "@/lib/generated/prisma/enums";
import { flattenNavItems, getRoleLabel, getVisibleNavItems, isNavLinkActive, navigation } from "./nav-items";

const roles: readonly Role[] = ["ADMIN", "OPERATOR", "TENANT_ADMIN", "VIEWER"];

function visibleLabels(role: Role): string[] {
  return flattenNavItems(getVisibleNavItems(role)).map((link) => link.label);
}

function visibleGroups(role: Role): string[] {
  return getVisibleNavItems(role)
    .filter((entry) => entry.kind === "group")
    .map((group) => group.label);
}

describe("getVisibleNavItems", () => {
  it("shows administrators every area", () => {
    expect(visibleLabels("ADMIN")).toEqual(flattenNavItems(navigation).map((link) => link.label));
    expect(visibleGroups("ADMIN")).toEqual(["Firewall"]);
  });

  it("shows operators everything but Users and Settings", () => {
    const labels = visibleLabels("OPERATOR");
    expect(labels).not.toContain("Users");
    expect(labels).not.toContain("Settings");
    expect(labels).toEqual(expect.arrayContaining(["Whitelist", "Nodes", "Bans", "Rulesets", "Audit log"]));
  });

  it("keeps Users and Settings from viewers but shows them the read-only areas", () => {
    const labels = visibleLabels("VIEWER");
    expect(labels).not.toContain("Users");
    expect(labels).not.toContain("Settings");
    expect(labels).toEqual(expect.arrayContaining(["Overview", "Blocklist", "Call limits", "Nodes", "Calls", "Blocked extensions", "Audit log"]));
  });

  it("shows tenant administrators only Overview, Tenants, Bans, Calls, Blocked extensions and Spend, and no Firewall group", () => {
    expect(visibleLabels("TENANT_ADMIN")).toEqual(["Overview", "Tenants", "Bans", "Calls", "Blocked extensions", "Spend"]);
    expect(visibleGroups("TENANT_ADMIN")).toEqual([]);
  });

  it("shows Overview to every role, first", () => {
    for (const role of roles) expect(visibleLabels(role)[0]).toBe("Overview");
  });

  it("does not change the shared model", () => {
    const before = JSON.stringify(navigation);
    getVisibleNavItems("TENANT_ADMIN");
    expect(JSON.stringify(navigation)).toBe(before);
  });
});

describe("navigation", () => {
  it("has unique hrefs and labels", () => {
    const links = flattenNavItems(navigation);
    expect(new Set(links.map((link) => link.href)).size).toBe(links.length);
    expect(new Set(links.map((link) => link.label)).size).toBe(links.length);
  });

  it("guards every firewall page with policy:read", () => {
    const firewall = navigation.find((entry) => entry.kind === "group" && entry.label === "Firewall");
    expect(firewall?.kind).toBe("group");
    if (firewall?.kind !== "group") return;
    expect(firewall.items).toHaveLength(8);
    for (const item of firewall.items) {
      expect(item.href.startsWith("/firewall/")).toBe(true);
      expect(item.permission).toBe("policy:read");
    }
  });
});

describe("isNavLinkActive", () => {
  it("matches Overview only on the root", () => {
    expect(isNavLinkActive("/", "/")).toBe(true);
    expect(isNavLinkActive("/nodes", "/")).toBe(false);
  });

  it("matches a page and its sub-pages, not a sibling that shares a prefix", () => {
    expect(isNavLinkActive("/nodes", "/nodes")).toBe(true);
    expect(isNavLinkActive("/nodes/abc/edit", "/nodes")).toBe(true);
    expect(isNavLinkActive("/nodes-archive", "/nodes")).toBe(false);
    expect(isNavLinkActive("/firewall/blocklist", "/firewall/whitelist")).toBe(false);
  });
});

describe("getRoleLabel", () => {
  it("names every role", () => {
    for (const role of roles) expect(getRoleLabel(role)).toMatch(/^[A-Z][a-z ]+$/);
    expect(getRoleLabel("TENANT_ADMIN")).toBe("Tenant administrator");
  });
});
