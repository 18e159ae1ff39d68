import { assertPermission, assertTenantAccess, tenantScope, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { encodeCursor, type Page, type PageQuery, type TenantCreate, type TenantUpdate } from "@/lib/validation/tenant";
import { writeAudit } from "./audit";

// Tenants: every function checks the caller's permission and tenant scope itself. A tenant administrator
// reads only their own tenant (other ids answer NOT_FOUND, as if they did not exist) and writes nothing here.

export interface TenantView {
  id: string;
  name: string;
  description: string;
  autoWhitelistRestrictions: boolean;
  createdAt: Date;
  updatedAt: Date;
  restrictionCount: number;
  userCount: number;
}

/** What deleting the tenant would take with it (and the users that keep it from being deleted). */
export interface TenantDetail extends TenantView {
  extensionLimitCount: number;
  hasTenantCallLimit: boolean;
  apiTokenCount: number;
}

export interface TenantDeletion {
  id: string;
  name: string;
  restrictionCount: number;
  extensionLimitCount: number;
  hasTenantCallLimit: boolean;
  apiTokenCount: number;
}

const tenantViewSelect = {
  id: true,
  name: true,
  description: true,
  autoWhitelistRestrictions: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { users: true, addressEntries: { where: { list: "TENANT_RESTRICTION" } } } },
} as const satisfies Prisma.TenantSelect;

type TenantViewRow = Prisma.TenantGetPayload<{ select: typeof tenantViewSelect }>;

function toView(row: TenantViewRow): TenantView {
  const { _count, ...rest } = row;
  return { ...rest, restrictionCount: _count.addressEntries, userCount: _count.users };
}

/** What the audit log keeps of a tenant. */
function auditView(tenant: { name: string; description: string; autoWhitelistRestrictions: boolean }) {
  return { name: tenant.name, description: tenant.description, autoWhitelistRestrictions: tenant.autoWhitelistRestrictions };
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003";
}

function nameTaken(name: string): AppError {
  const message = `A tenant named "${name}" already exists. Choose another name.`;
  return new AppError("CONFLICT", message, { name: [message] });
}

const NOT_FOUND_MESSAGE = "The tenant does not exist.";

/** Tenants in name order, one keyset page; a tenant administrator sees only their own. */
export async function listTenants(caller: Caller, page: PageQuery): Promise<Page<TenantView>> {
  assertPermission(caller, "tenants:read");
  const scope = tenantScope(caller);
  const rows = await getDb().tenant.findMany({
    where: {
      ...(scope !== undefined ? { id: scope } : {}),
      ...(page.cursor !== undefined ? { name: { gt: page.cursor } } : {}),
    },
    orderBy: { name: "asc" },
    take: page.limit + 1,
    select: tenantViewSelect,
  });
  const items = rows.slice(0, page.limit).map(toView);
  const hasMore = rows.length > page.limit;
  return { items, nextCursor: hasMore && items.length > 0 ? encodeCursor(items[items.length - 1]!.name) : null };
}

/** One tenant with the counts its detail page and delete confirmation show. */
export async function getTenant(caller: Caller, id: string): Promise<TenantDetail> {
  assertPermission(caller, "tenants:read");
  assertTenantAccess(caller, id, "The tenant");
  const row = await getDb().tenant.findUnique({
    where: { id },
    select: {
      ...tenantViewSelect,
      _count: {
        select: {
          ...tenantViewSelect._count.select,
          extensionLimits: true,
          apiTokens: true,
        },
      },
      callLimit: { select: { tenantId: true } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
  const { callLimit, _count, ...rest } = row;
  return {
    ...rest,
    restrictionCount: _count.addressEntries,
    userCount: _count.users,
    extensionLimitCount: _count.extensionLimits,
    apiTokenCount: _count.apiTokens,
    hasTenantCallLimit: callLimit !== null,
  };
}

export async function createTenant(caller: Caller, input: TenantCreate): Promise<TenantView> {
  assertPermission(caller, "tenants:write");
  try {
    return await getDb().$transaction(async (tx) => {
      const row = await tx.tenant.create({
        data: { name: input.name, description: input.description, autoWhitelistRestrictions: input.autoWhitelistRestrictions },
        select: tenantViewSelect,
      });
      await writeAudit(tx, caller.actor, { action: "tenant.create", objectType: "tenant", objectId: row.id, after: auditView(row) });
      return toView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateTenant(caller: Caller, id: string, changes: TenantUpdate): Promise<TenantView> {
  assertPermission(caller, "tenants:write");
  assertTenantAccess(caller, id, "The tenant");
  try {
    return await getDb().$transaction(async (tx) => {
      const before = await tx.tenant.findUnique({ where: { id }, select: tenantViewSelect });
      if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
      const after = await tx.tenant.update({
        where: { id },
        data: { name: changes.name, description: changes.description, autoWhitelistRestrictions: changes.autoWhitelistRestrictions },
        select: tenantViewSelect,
      });
      await writeAudit(tx, caller.actor, {
        action: "tenant.update",
        objectType: "tenant",
        objectId: id,
        before: auditView(before),
        after: auditView(after),
      });
      return toView(after);
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.name !== undefined) throw nameTaken(changes.name);
    throw error;
  }
}

/**
 * Deletes a tenant with its IP restrictions, call limits and API tokens (ON DELETE CASCADE). Refused while
 * users belong to it (ON DELETE RESTRICT): the message says how many, so the administrator knows what to move.
 */
export async function deleteTenant(caller: Caller, id: string): Promise<TenantDeletion> {
  assertPermission(caller, "tenants:write");
  assertTenantAccess(caller, id, "The tenant");
  try {
    return await getDb().$transaction(async (tx) => {
      // The row lock conflicts with the key-share lock a concurrent INSERT of a user takes on the tenant, so the
      // user count below stays true until the delete commits.
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tenants WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
      const tenant = await tx.tenant.findUniqueOrThrow({
        where: { id },
        select: {
          name: true,
          description: true,
          autoWhitelistRestrictions: true,
          _count: { select: { users: true, extensionLimits: true, apiTokens: true, addressEntries: { where: { list: "TENANT_RESTRICTION" } } } },
          callLimit: { select: { dailyLimit: true, monthlyLimit: true, currency: true } },
        },
      });
      const users = tenant._count.users;
      if (users > 0) throw usersBlockDeletion(tenant.name, users);
      await tx.tenant.delete({ where: { id } });
      const deletion: TenantDeletion = {
        id,
        name: tenant.name,
        restrictionCount: tenant._count.addressEntries,
        extensionLimitCount: tenant._count.extensionLimits,
        hasTenantCallLimit: tenant.callLimit !== null,
        apiTokenCount: tenant._count.apiTokens,
      };
      await writeAudit(tx, caller.actor, {
        action: "tenant.delete",
        objectType: "tenant",
        objectId: id,
        before: {
          ...auditView(tenant),
          restrictionCount: deletion.restrictionCount,
          extensionLimitCount: deletion.extensionLimitCount,
          apiTokenCount: deletion.apiTokenCount,
          callLimit: tenant.callLimit
            ? {
                dailyLimit: tenant.callLimit.dailyLimit?.toFixed() ?? null,
                monthlyLimit: tenant.callLimit.monthlyLimit?.toFixed() ?? null,
                currency: tenant.callLimit.currency,
              }
            : null,
        },
      });
      return deletion;
    });
  } catch (error) {
    // A user inserted between a check and the delete still trips the foreign key: same answer.
    if (isForeignKeyViolation(error)) {
      const count = await getDb().user.count({ where: { tenantId: id } });
      const tenant = await getDb().tenant.findUnique({ where: { id }, select: { name: true } });
      throw usersBlockDeletion(tenant?.name ?? "This tenant", Math.max(count, 1));
    }
    throw error;
  }
}

function usersBlockDeletion(name: string, users: number): AppError {
  const noun = users === 1 ? "1 user" : `${users} users`;
  return new AppError(
    "CONFLICT",
    `The tenant "${name}" still has ${noun}. Move ${users === 1 ? "it" : "them"} to another tenant or delete ${users === 1 ? "it" : "them"} on the Users page first; the tenant was not deleted.`,
  );
}
