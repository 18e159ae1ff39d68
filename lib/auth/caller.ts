import type { Actor } from "@/lib/db/queries/audit";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { hasPermission, type Permission } from "./permissions";

/** Who is acting, whatever the transport (browser session, API token, CLI): role, tenant scope, audit identity. */
export interface Caller {
  role: Role;
  /** Set for TENANT_ADMIN (users and tokens): every tenant-scoped read and write is limited to it. */
  tenantId: string | null;
  actor: Actor;
}

export function callerFromUser(user: { id: string; email: string; role: Role; tenantId: string | null }, ip?: string | null): Caller {
  return { role: user.role, tenantId: user.tenantId, actor: { type: "USER", id: user.id, label: user.email, ip: ip ?? null } };
}

/** Throws FORBIDDEN unless the caller's role holds the permission. */
export function assertPermission(caller: Caller, permission: Permission): void {
  if (!hasPermission(caller.role, permission)) throw new AppError("FORBIDDEN", "You do not have permission to do this.");
}

/**
 * Throws NOT_FOUND when a tenant-scoped caller reaches for another tenant's object: the answer is the same
 * as for an id that does not exist, so ids of other tenants cannot be probed.
 */
export function assertTenantAccess(caller: Caller, tenantId: string | null | undefined, what = "The object"): void {
  if (caller.tenantId !== null && caller.tenantId !== tenantId) throw new AppError("NOT_FOUND", `${what} does not exist.`);
}

/** The tenant filter a query must apply for this caller (undefined: all tenants). */
export function tenantScope(caller: Caller): string | undefined {
  return caller.tenantId ?? undefined;
}
