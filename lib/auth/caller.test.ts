import { describe, expect, it } from "vitest";
import { assertPermission, assertTenantAccess, type Caller } from "./caller";

const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: "t1", actor: { type: "USER", id: "u", label: "u@x" } };
const admin: Caller = { role: "ADMIN", tenantId: null, actor: { type: "USER", id: "a", label: "a@x" } };

describe("caller checks", () => {
  it("lets a tenant admin reach only its own tenant, answering not-found for others", () => {
    expect(() => assertTenantAccess(tenantAdmin, "t1")).not.toThrow();
    expect(() => assertTenantAccess(tenantAdmin, "t2")).toThrow(/does not exist/);
    expect(() => assertTenantAccess(tenantAdmin, null)).toThrow(/does not exist/);
  });

  it("lets administrators reach every tenant", () => {
    expect(() => assertTenantAccess(admin, "t2")).not.toThrow();
  });

  it("refuses permissions the role lacks", () => {
    expect(() => assertPermission(tenantAdmin, "policy:write")).toThrow(/permission/);
    expect(() => assertPermission(admin, "policy:write")).not.toThrow();
  });
});
