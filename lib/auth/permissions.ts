import type { Role } from "@/lib/generated/prisma/enums";

// What each role may do. Tenant administrators' permissions are further limited to their own tenant by
// the data layer (every tenant-scoped query takes the caller's scope). bans:write also lifts the call guard's
// extension blocks: both undo an automatic block of an abuser.
export type Permission =
  | "policy:read"
  | "policy:write"
  | "tenants:read"
  | "tenants:write"
  | "restrictions:read"
  | "restrictions:write"
  | "nodes:read"
  | "nodes:write"
  | "deploy"
  | "bans:read"
  | "bans:write"
  | "calls:read"
  | "audit:read"
  | "users:manage"
  | "settings:manage";

const grants: Record<Role, readonly Permission[]> = {
  ADMIN: [
    "policy:read", "policy:write", "tenants:read", "tenants:write", "restrictions:read", "restrictions:write",
    "nodes:read", "nodes:write", "deploy", "bans:read", "bans:write", "calls:read", "audit:read", "users:manage", "settings:manage",
  ],
  OPERATOR: [
    "policy:read", "policy:write", "tenants:read", "restrictions:read", "restrictions:write",
    "nodes:read", "deploy", "bans:read", "bans:write", "calls:read", "audit:read",
  ],
  VIEWER: ["policy:read", "tenants:read", "restrictions:read", "nodes:read", "bans:read", "calls:read", "audit:read"],
  // calls:read and bans:write reach only the tenant's own account code (calls and extension blocks).
  TENANT_ADMIN: ["tenants:read", "restrictions:read", "restrictions:write", "bans:read", "bans:write", "calls:read"],
};

/** Whether the role holds the permission (tenant scoping is applied separately). */
export function hasPermission(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export function isTenantScoped(role: Role): boolean {
  return role === "TENANT_ADMIN";
}
