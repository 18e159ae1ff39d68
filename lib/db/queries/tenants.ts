import { assertPermission, assertTenantAccess, tenantScope, type Caller } from "@/lib/auth/caller";
import { isTenantScoped } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { parseNetwork } from "@/lib/net/parse";
import { tenantNetworkSettingsSchema, type TenantNetworkSettings } from "@/lib/validation/settings";
import {
  encodeCursor,
  pendingReasonForTenantAdmin,
  type Page,
  type PageQuery,
  type TenantCreate,
  type TenantUpdate,
} from "@/lib/validation/tenant";
import { writeAudit } from "./audit";

// Tenants: every function checks the caller's permission and tenant scope itself. A tenant administrator
// reads only their own tenant (other ids answer NOT_FOUND, as if they did not exist) and writes nothing here.

export interface TenantView {
  id: string;
  name: string;
  description: string;
  autoWhitelistRestrictions: boolean;
  /** The Asterisk accountcode of the tenant's endpoints, or null: the call guard enforces no limit of a tenant without one. */
  accountCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  restrictionCount: number;
  /** Networks a tenant administrator stored that wait for an administrator's approval (counted in restrictionCount). */
  pendingCount: number;
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
  accountCode: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { users: true, addressEntries: { where: { list: "TENANT_RESTRICTION" } } } },
} as const satisfies Prisma.TenantSelect;

type TenantViewRow = Prisma.TenantGetPayload<{ select: typeof tenantViewSelect }>;

function toView(row: TenantViewRow, pendingCount: number): TenantView {
  const { _count, ...rest } = row;
  return { ...rest, restrictionCount: _count.addressEntries, pendingCount, userCount: _count.users };
}

type Db = Prisma.TransactionClient | ReturnType<typeof getDb>;

/** Pending networks per tenant (Prisma's _count takes one filter per relation, so this is its own query). */
async function countPending(db: Db, tenantIds: string[]): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db.addressEntry.groupBy({
    by: ["tenantId"],
    where: { list: "TENANT_RESTRICTION", tenantId: { in: tenantIds }, pendingReason: { not: null } },
    _count: { _all: true },
  });
  return new Map(rows.flatMap((row) => (row.tenantId === null ? [] : [[row.tenantId, row._count._all] as const])));
}

/** What the audit log keeps of a tenant. */
function auditView(tenant: { name: string; description: string; autoWhitelistRestrictions: boolean; accountCode: string | null }) {
  return {
    name: tenant.name,
    description: tenant.description,
    autoWhitelistRestrictions: tenant.autoWhitelistRestrictions,
    accountCode: tenant.accountCode,
  };
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

function accountCodeTaken(code: string, otherTenant: string): AppError {
  const message = `The account code "${code}" already belongs to the tenant "${otherTenant}": each tenant needs its own, or the call guard could not tell their calls apart.`;
  return new AppError("CONFLICT", message, { accountCode: [message] });
}

/**
 * Which unique field a failed tenant write collided on. Asked after the violation (the constraint name is not
 * reliably in the driver adapter's error): another tenant holding the account code means that one, else the name.
 */
async function uniqueConflict(id: string | null, input: { name?: string; accountCode?: string | null }): Promise<AppError> {
  if (input.accountCode) {
    const holder = await getDb().tenant.findFirst({
      where: { accountCode: input.accountCode, ...(id !== null ? { id: { not: id } } : {}) },
      select: { name: true },
    });
    if (holder) return accountCodeTaken(input.accountCode, holder.name);
  }
  return nameTaken(input.name ?? "");
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
  const pageRows = rows.slice(0, page.limit);
  const pending = await countPending(getDb(), pageRows.map((row) => row.id));
  const items = pageRows.map((row) => toView(row, pending.get(row.id) ?? 0));
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
  const pending = await countPending(getDb(), [id]);
  return {
    ...rest,
    restrictionCount: _count.addressEntries,
    pendingCount: pending.get(id) ?? 0,
    userCount: _count.users,
    extensionLimitCount: _count.extensionLimits,
    apiTokenCount: _count.apiTokens,
    hasTenantCallLimit: callLimit !== null,
  };
}

/** A tenant without an account code when the input has none (callers that predate account codes send none). */
export async function createTenant(caller: Caller, input: Omit<TenantCreate, "accountCode"> & { accountCode?: string | null }): Promise<TenantView> {
  assertPermission(caller, "tenants:write");
  try {
    return await getDb().$transaction(async (tx) => {
      const row = await tx.tenant.create({
        data: {
          name: input.name,
          description: input.description,
          autoWhitelistRestrictions: input.autoWhitelistRestrictions,
          accountCode: input.accountCode ?? null,
        },
        select: tenantViewSelect,
      });
      await writeAudit(tx, caller.actor, { action: "tenant.create", objectType: "tenant", objectId: row.id, after: auditView(row) });
      return toView(row, 0);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await uniqueConflict(null, input);
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
        data: {
          name: changes.name,
          description: changes.description,
          autoWhitelistRestrictions: changes.autoWhitelistRestrictions,
          accountCode: changes.accountCode,
        },
        select: tenantViewSelect,
      });
      await writeAudit(tx, caller.actor, {
        action: "tenant.update",
        objectType: "tenant",
        objectId: id,
        before: auditView(before),
        after: auditView(after),
      });
      return toView(after, (await countPending(tx, [id])).get(id) ?? 0);
    });
  } catch (error) {
    if (isUniqueViolation(error) && (changes.name !== undefined || changes.accountCode)) throw await uniqueConflict(id, changes);
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
          accountCode: true,
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

// ---------------------------------------------------------------------------------------------------------
// Tenant network settings (platform_settings.tenant_min_prefix4 / tenant_min_prefix6)
// ---------------------------------------------------------------------------------------------------------

const DEFAULT_MIN_PREFIXES: TenantNetworkSettings = { minPrefix4: 24, minPrefix6: 48 };

/** The minimum prefixes without a permission check: for the data layer's own checks of a tenant admin's write. */
export async function readTenantMinPrefixes(db: Db): Promise<TenantNetworkSettings> {
  const row = await db.platformSettings.findUnique({ where: { id: 1 }, select: { tenantMinPrefix4: true, tenantMinPrefix6: true } });
  return row ? { minPrefix4: row.tenantMinPrefix4, minPrefix6: row.tenantMinPrefix6 } : DEFAULT_MIN_PREFIXES;
}

/** The shortest prefixes a tenant administrator may store; everyone who may read tenants may read them. */
export async function getTenantNetworkSettings(caller: Caller): Promise<TenantNetworkSettings> {
  assertPermission(caller, "tenants:read");
  return readTenantMinPrefixes(getDb());
}

/**
 * Sets the minimum prefixes (administrators only). Networks already stored stay as they are: the minimum
 * applies to what a tenant administrator writes from now on.
 */
export async function updateTenantNetworkSettings(caller: Caller, input: TenantNetworkSettings): Promise<TenantNetworkSettings> {
  assertPermission(caller, "tenants:write");
  const value = tenantNetworkSettingsSchema.parse(input);
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
    await tx.$queryRaw`SELECT id FROM platform_settings WHERE id = 1 FOR UPDATE`;
    const before = await readTenantMinPrefixes(tx);
    if (before.minPrefix4 === value.minPrefix4 && before.minPrefix6 === value.minPrefix6) return before;
    await tx.platformSettings.update({ where: { id: 1 }, data: { tenantMinPrefix4: value.minPrefix4, tenantMinPrefix6: value.minPrefix6 } });
    await writeAudit(tx, caller.actor, {
      action: "settings.tenant-networks.update",
      objectType: "platform-settings",
      objectId: "1",
      before: { ...before },
      after: { ...value },
    });
    return value;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Tenant networks waiting for approval
// ---------------------------------------------------------------------------------------------------------

export interface PendingTenantNetwork {
  id: string;
  tenantId: string;
  tenantName: string;
  network: string;
  comment: string;
  /** Why it waits; for a tenant administrator without the other tenant's name and network. */
  pendingReason: string;
  author: string;
  createdAt: Date;
}

/** Which pending network: its entry id (API, dashboard) or its network (CLI). */
export type PendingNetworkRef = { id: string } | { network: string };

const PENDING_NOT_FOUND = "The network does not exist or is not waiting for approval (it may have been approved, rejected or deleted).";

/** The pending networks of one tenant (or, for administrators and operators without a tenant, of all), oldest first. */
export async function listPendingTenantNetworks(caller: Caller, tenantId?: string): Promise<PendingTenantNetwork[]> {
  assertPermission(caller, "restrictions:read");
  if (tenantId !== undefined) assertTenantAccess(caller, tenantId, "The tenant");
  const scope = tenantId ?? tenantScope(caller);
  const rows = await getDb().addressEntry.findMany({
    where: { list: "TENANT_RESTRICTION", pendingReason: { not: null }, ...(scope !== undefined ? { tenantId: scope } : {}) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 1_000,
    select: { id: true, tenantId: true, network: true, comment: true, pendingReason: true, author: true, createdAt: true, tenant: { select: { name: true } } },
  });
  const isTenantAdmin = isTenantScoped(caller.role);
  return rows.map((row) => ({
    id: row.id,
    tenantId: row.tenantId ?? "",
    tenantName: row.tenant?.name ?? "",
    network: row.network,
    comment: row.comment,
    pendingReason: isTenantAdmin ? pendingReasonForTenantAdmin(row.pendingReason ?? "") : (row.pendingReason ?? ""),
    author: row.author,
    createdAt: row.createdAt,
  }));
}

async function findPending(tx: Prisma.TransactionClient, tenantId: string, ref: PendingNetworkRef) {
  let where: Prisma.AddressEntryWhereInput;
  if ("id" in ref) {
    where = { id: ref.id };
  } else {
    const parsed = parseNetwork(ref.network);
    if (!parsed.ok) throw new AppError("VALIDATION", parsed.error, { network: [parsed.error] });
    where = { network: parsed.value.canonical };
  }
  const [row] = await tx.addressEntry.findMany({
    where: { ...where, list: "TENANT_RESTRICTION", tenantId, pendingReason: { not: null } },
    select: { id: true, network: true, comment: true, pendingReason: true, expiresAt: true, author: true },
    take: 1,
  });
  if (!row) throw new AppError("NOT_FOUND", PENDING_NOT_FOUND);
  // Locked, so a concurrent approve and reject cannot both succeed.
  await tx.$queryRaw`SELECT id FROM address_entries WHERE id = ${row.id}::uuid FOR UPDATE`;
  return row;
}

function pendingAudit(row: { network: string; comment: string; pendingReason: string | null; expiresAt: Date | null; author: string }, tenantId: string) {
  return { network: row.network, comment: row.comment, pendingReason: row.pendingReason, expiresAt: row.expiresAt?.toISOString() ?? null, author: row.author, tenantId };
}

/**
 * Puts a pending tenant network in force (administrators only): it is rendered from the next push on and gives
 * the tenant's administrators sight of the bans inside it. Audited with the reason it waited for.
 */
export async function approveTenantNetwork(caller: Caller, tenantId: string, ref: PendingNetworkRef): Promise<{ id: string; network: string }> {
  assertPermission(caller, "tenants:write");
  return getDb().$transaction(async (tx) => {
    const row = await findPending(tx, tenantId, ref);
    await tx.addressEntry.update({ where: { id: row.id }, data: { pendingReason: null } });
    await writeAudit(tx, caller.actor, {
      action: "tenant-restriction.approve",
      objectType: "address-entry",
      objectId: row.id,
      before: pendingAudit(row, tenantId),
      after: { ...pendingAudit(row, tenantId), pendingReason: null },
    });
    return { id: row.id, network: row.network };
  });
}

/** Deletes a pending tenant network (administrators only), audited with the reason it waited for. */
export async function rejectTenantNetwork(caller: Caller, tenantId: string, ref: PendingNetworkRef): Promise<{ id: string; network: string }> {
  assertPermission(caller, "tenants:write");
  return getDb().$transaction(async (tx) => {
    const row = await findPending(tx, tenantId, ref);
    await tx.addressEntry.delete({ where: { id: row.id } });
    await writeAudit(tx, caller.actor, {
      action: "tenant-restriction.reject",
      objectType: "address-entry",
      objectId: row.id,
      before: pendingAudit(row, tenantId),
    });
    return { id: row.id, network: row.network };
  });
}
