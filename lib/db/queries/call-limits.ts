import { assertPermission, assertTenantAccess, tenantScope, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  ABUSE_RANGES,
  type AbuseDetection,
  type ExtensionLimitCreate,
  type ExtensionLimitUpdate,
  type RouteCostLimitCreate,
  type RouteCostLimitUpdate,
  type TenantCallLimit,
} from "@/lib/validation/call-limits";
import { encodeCursor, type Page, type PageQuery } from "@/lib/validation/tenant";
import { writeAudit } from "./audit";
import { isUniqueViolation } from "./tenants";

// Call-cost limits, stored and edited here (enforcement reads them later). Amounts travel as decimal strings and
// become Prisma.Decimal only at the database; nothing here does arithmetic on money.
//
// Reading a tenant's limits needs tenants:read and is scoped to the caller's tenant; every write needs
// policy:write, which tenant administrators do not hold. Route limits and abuse detection are platform-wide.

export interface TenantCallLimitView {
  tenantId: string;
  /** null: no daily limit. */
  dailyLimit: string | null;
  /** null: no monthly limit. */
  monthlyLimit: string | null;
  currency: string;
  updatedAt: Date;
}

export interface ExtensionLimitView {
  id: string;
  tenantId: string;
  extension: string;
  dailyLimit: string;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RouteCostLimitView {
  id: string;
  name: string;
  prefix: string;
  maxCostPerMinute: string;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface AbuseDetectionView {
  enabled: boolean;
  maxCallsSameNumber: number;
  windowSeconds: number;
  updatedAt: Date | null;
}

export interface TenantLimitOverview {
  tenantId: string;
  tenantName: string;
  limit: TenantCallLimitView | null;
  extensionLimitCount: number;
}

/** Decimal → its plain decimal text ("12.5"), never exponent notation and never through a float. */
function money(value: Prisma.Decimal): string {
  return value.toFixed();
}

function toDecimal(text: string): Prisma.Decimal {
  return new Prisma.Decimal(text);
}

type TenantCallLimitRow = { tenantId: string; dailyLimit: Prisma.Decimal | null; monthlyLimit: Prisma.Decimal | null; currency: string; updatedAt: Date };
type ExtensionLimitRow = { id: string; tenantId: string; extension: string; dailyLimit: Prisma.Decimal; currency: string; createdAt: Date; updatedAt: Date };
type RouteRow = { id: string; name: string; prefix: string; maxCostPerMinute: Prisma.Decimal; currency: string; createdAt: Date; updatedAt: Date };

function tenantLimitView(row: TenantCallLimitRow): TenantCallLimitView {
  return {
    tenantId: row.tenantId,
    dailyLimit: row.dailyLimit === null ? null : money(row.dailyLimit),
    monthlyLimit: row.monthlyLimit === null ? null : money(row.monthlyLimit),
    currency: row.currency,
    updatedAt: row.updatedAt,
  };
}

function extensionLimitView(row: ExtensionLimitRow): ExtensionLimitView {
  return { ...row, dailyLimit: money(row.dailyLimit) };
}

function routeView(row: RouteRow): RouteCostLimitView {
  return { ...row, maxCostPerMinute: money(row.maxCostPerMinute) };
}

const TENANT_NOT_FOUND = "The tenant does not exist.";
const EXTENSION_LIMIT_NOT_FOUND = "The extension limit does not exist.";
const ROUTE_NOT_FOUND = "The route cost limit does not exist.";

type Tx = Prisma.TransactionClient;

async function assertTenantExists(tx: Pick<Tx, "tenant">, tenantId: string): Promise<void> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
  if (!tenant) throw new AppError("NOT_FOUND", TENANT_NOT_FOUND);
}

function pageOf<T>(rows: T[], limit: number, key: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}

// ---------------------------------------------------------------------------------------------------------
// Tenant limits
// ---------------------------------------------------------------------------------------------------------

/** The tenant's daily and monthly ceilings, or null when none are set. */
export async function getTenantCallLimit(caller: Caller, tenantId: string): Promise<TenantCallLimitView | null> {
  assertPermission(caller, "tenants:read");
  assertTenantAccess(caller, tenantId, "The tenant");
  const db = getDb();
  await assertTenantExists(db, tenantId);
  const row = await db.tenantCallLimit.findUnique({ where: { tenantId } });
  return row ? tenantLimitView(row) : null;
}

/** Sets the tenant's ceilings (a null limit means none), replacing what was there. */
export async function setTenantCallLimit(caller: Caller, tenantId: string, input: TenantCallLimit): Promise<TenantCallLimitView> {
  assertPermission(caller, "policy:write");
  assertTenantAccess(caller, tenantId, "The tenant");
  return getDb().$transaction(async (tx) => {
    await assertTenantExists(tx, tenantId);
    const before = await tx.tenantCallLimit.findUnique({ where: { tenantId } });
    const data = {
      dailyLimit: input.dailyLimit === null ? null : toDecimal(input.dailyLimit),
      monthlyLimit: input.monthlyLimit === null ? null : toDecimal(input.monthlyLimit),
      currency: input.currency,
    };
    const after = await tx.tenantCallLimit.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
    const view = tenantLimitView(after);
    await writeAudit(tx, caller.actor, {
      action: "tenant-call-limit.set",
      objectType: "tenant-call-limit",
      objectId: tenantId,
      before: before ? auditTenantLimit(tenantLimitView(before)) : null,
      after: auditTenantLimit(view),
    });
    return view;
  });
}

/** Removes the tenant's ceilings altogether. */
export async function deleteTenantCallLimit(caller: Caller, tenantId: string): Promise<void> {
  assertPermission(caller, "policy:write");
  assertTenantAccess(caller, tenantId, "The tenant");
  await getDb().$transaction(async (tx) => {
    await assertTenantExists(tx, tenantId);
    const before = await tx.tenantCallLimit.findUnique({ where: { tenantId } });
    if (!before) throw new AppError("NOT_FOUND", "The tenant has no call limits.");
    await tx.tenantCallLimit.delete({ where: { tenantId } });
    await writeAudit(tx, caller.actor, {
      action: "tenant-call-limit.delete",
      objectType: "tenant-call-limit",
      objectId: tenantId,
      before: auditTenantLimit(tenantLimitView(before)),
    });
  });
}

function auditTenantLimit(view: TenantCallLimitView) {
  return { dailyLimit: view.dailyLimit, monthlyLimit: view.monthlyLimit, currency: view.currency };
}

/** Every tenant (the caller may see) in name order with its ceilings and number of extension limits. */
export async function listTenantLimitOverview(caller: Caller, page: PageQuery): Promise<Page<TenantLimitOverview>> {
  assertPermission(caller, "tenants:read");
  const scope = tenantScope(caller);
  const rows = await getDb().tenant.findMany({
    where: {
      ...(scope !== undefined ? { id: scope } : {}),
      ...(page.cursor !== undefined ? { name: { gt: page.cursor } } : {}),
    },
    orderBy: { name: "asc" },
    take: page.limit + 1,
    select: { id: true, name: true, callLimit: true, _count: { select: { extensionLimits: true } } },
  });
  const result = pageOf(rows, page.limit, (row) => row.name);
  return {
    nextCursor: result.nextCursor,
    items: result.items.map((row) => ({
      tenantId: row.id,
      tenantName: row.name,
      limit: row.callLimit ? tenantLimitView(row.callLimit) : null,
      extensionLimitCount: row._count.extensionLimits,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Extension limits
// ---------------------------------------------------------------------------------------------------------

function extensionTaken(extension: string): AppError {
  const message = `Extension ${extension} already has a daily limit in this tenant; edit that one instead.`;
  return new AppError("CONFLICT", message, { extension: [message] });
}

function auditExtensionLimit(view: ExtensionLimitView) {
  return { tenantId: view.tenantId, extension: view.extension, dailyLimit: view.dailyLimit, currency: view.currency };
}

/** The tenant's extension limits in extension order, one keyset page. */
export async function listExtensionLimits(caller: Caller, tenantId: string, page: PageQuery): Promise<Page<ExtensionLimitView>> {
  assertPermission(caller, "tenants:read");
  assertTenantAccess(caller, tenantId, "The tenant");
  const db = getDb();
  await assertTenantExists(db, tenantId);
  const rows = await db.extensionCallLimit.findMany({
    where: { tenantId, ...(page.cursor !== undefined ? { extension: { gt: page.cursor } } : {}) },
    orderBy: { extension: "asc" },
    take: page.limit + 1,
  });
  const result = pageOf(rows, page.limit, (row) => row.extension);
  return { nextCursor: result.nextCursor, items: result.items.map(extensionLimitView) };
}

export async function getExtensionLimit(caller: Caller, id: string): Promise<ExtensionLimitView> {
  assertPermission(caller, "tenants:read");
  const row = await getDb().extensionCallLimit.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", EXTENSION_LIMIT_NOT_FOUND);
  assertTenantAccess(caller, row.tenantId, "The extension limit");
  return extensionLimitView(row);
}

export async function createExtensionLimit(caller: Caller, tenantId: string, input: ExtensionLimitCreate): Promise<ExtensionLimitView> {
  assertPermission(caller, "policy:write");
  assertTenantAccess(caller, tenantId, "The tenant");
  try {
    return await getDb().$transaction(async (tx) => {
      await assertTenantExists(tx, tenantId);
      const row = await tx.extensionCallLimit.create({
        data: { tenantId, extension: input.extension, dailyLimit: toDecimal(input.dailyLimit), currency: input.currency },
      });
      const view = extensionLimitView(row);
      await writeAudit(tx, caller.actor, {
        action: "extension-call-limit.create",
        objectType: "extension-call-limit",
        objectId: row.id,
        after: auditExtensionLimit(view),
      });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw extensionTaken(input.extension);
    throw error;
  }
}

export async function updateExtensionLimit(caller: Caller, id: string, changes: ExtensionLimitUpdate): Promise<ExtensionLimitView> {
  assertPermission(caller, "policy:write");
  try {
    return await getDb().$transaction(async (tx) => {
      const before = await tx.extensionCallLimit.findUnique({ where: { id } });
      if (!before) throw new AppError("NOT_FOUND", EXTENSION_LIMIT_NOT_FOUND);
      assertTenantAccess(caller, before.tenantId, "The extension limit");
      const after = await tx.extensionCallLimit.update({
        where: { id },
        data: {
          extension: changes.extension,
          dailyLimit: changes.dailyLimit === undefined ? undefined : toDecimal(changes.dailyLimit),
          currency: changes.currency,
        },
      });
      const view = extensionLimitView(after);
      await writeAudit(tx, caller.actor, {
        action: "extension-call-limit.update",
        objectType: "extension-call-limit",
        objectId: id,
        before: auditExtensionLimit(extensionLimitView(before)),
        after: auditExtensionLimit(view),
      });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.extension !== undefined) throw extensionTaken(changes.extension);
    throw error;
  }
}

export async function deleteExtensionLimit(caller: Caller, id: string): Promise<ExtensionLimitView> {
  assertPermission(caller, "policy:write");
  return getDb().$transaction(async (tx) => {
    const before = await tx.extensionCallLimit.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", EXTENSION_LIMIT_NOT_FOUND);
    assertTenantAccess(caller, before.tenantId, "The extension limit");
    await tx.extensionCallLimit.delete({ where: { id } });
    const view = extensionLimitView(before);
    await writeAudit(tx, caller.actor, {
      action: "extension-call-limit.delete",
      objectType: "extension-call-limit",
      objectId: id,
      before: auditExtensionLimit(view),
    });
    return view;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Route cost limits
// ---------------------------------------------------------------------------------------------------------

function auditRoute(view: RouteCostLimitView) {
  return { name: view.name, prefix: view.prefix, maxCostPerMinute: view.maxCostPerMinute, currency: view.currency };
}

function routeNameTaken(name: string): AppError {
  const message = `A route named "${name}" already exists. Choose another name.`;
  return new AppError("CONFLICT", message, { name: [message] });
}

/**
 * Two routes with one prefix would make the applicable ceiling depend on row order, so a prefix is unique too.
 * The table has no unique index on it: writers serialise on an advisory lock and check inside the transaction.
 */
async function assertPrefixFree(tx: Tx, prefix: string, exceptId: string | null): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('rampart.route_cost_limits.prefix'))`;
  const other = await tx.routeCostLimit.findFirst({
    where: { prefix, ...(exceptId !== null ? { id: { not: exceptId } } : {}) },
    select: { name: true },
  });
  if (other) {
    const message = `The route "${other.name}" already has the prefix ${prefix}; edit that route instead.`;
    throw new AppError("CONFLICT", message, { prefix: [message] });
  }
}

/** Route cost ceilings in name order, one keyset page. */
export async function listRouteCostLimits(caller: Caller, page: PageQuery): Promise<Page<RouteCostLimitView>> {
  assertPermission(caller, "policy:read");
  const rows = await getDb().routeCostLimit.findMany({
    where: page.cursor !== undefined ? { name: { gt: page.cursor } } : {},
    orderBy: { name: "asc" },
    take: page.limit + 1,
  });
  const result = pageOf(rows, page.limit, (row) => row.name);
  return { nextCursor: result.nextCursor, items: result.items.map(routeView) };
}

export async function getRouteCostLimit(caller: Caller, id: string): Promise<RouteCostLimitView> {
  assertPermission(caller, "policy:read");
  const row = await getDb().routeCostLimit.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", ROUTE_NOT_FOUND);
  return routeView(row);
}

/** The route named `name` exactly (the CLI names routes), or NOT_FOUND. */
export async function getRouteCostLimitByName(caller: Caller, name: string): Promise<RouteCostLimitView> {
  assertPermission(caller, "policy:read");
  const row = await getDb().routeCostLimit.findUnique({ where: { name } });
  if (!row) throw new AppError("NOT_FOUND", `No route is named "${name}".`);
  return routeView(row);
}

export async function createRouteCostLimit(caller: Caller, input: RouteCostLimitCreate): Promise<RouteCostLimitView> {
  assertPermission(caller, "policy:write");
  try {
    return await getDb().$transaction(async (tx) => {
      await assertPrefixFree(tx, input.prefix, null);
      const row = await tx.routeCostLimit.create({
        data: { name: input.name, prefix: input.prefix, maxCostPerMinute: toDecimal(input.maxCostPerMinute), currency: input.currency },
      });
      const view = routeView(row);
      await writeAudit(tx, caller.actor, { action: "route-cost-limit.create", objectType: "route-cost-limit", objectId: row.id, after: auditRoute(view) });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw routeNameTaken(input.name);
    throw error;
  }
}

export async function updateRouteCostLimit(caller: Caller, id: string, changes: RouteCostLimitUpdate): Promise<RouteCostLimitView> {
  assertPermission(caller, "policy:write");
  try {
    return await getDb().$transaction(async (tx) => {
      const before = await tx.routeCostLimit.findUnique({ where: { id } });
      if (!before) throw new AppError("NOT_FOUND", ROUTE_NOT_FOUND);
      if (changes.prefix !== undefined) await assertPrefixFree(tx, changes.prefix, id);
      // The route's rates are amounts in its currency: a new code would silently reprice every one of them.
      if (changes.currency !== undefined && changes.currency !== before.currency && (await tx.routeRate.count({ where: { routeId: id } })) > 0) {
        const message = `The route's rates are priced in ${before.currency}, so its currency cannot change while it has any: import an empty rate table (the header alone) first, then rates in ${changes.currency}.`;
        throw new AppError("CONFLICT", message, { currency: [message] });
      }
      const after = await tx.routeCostLimit.update({
        where: { id },
        data: {
          name: changes.name,
          prefix: changes.prefix,
          maxCostPerMinute: changes.maxCostPerMinute === undefined ? undefined : toDecimal(changes.maxCostPerMinute),
          currency: changes.currency,
        },
      });
      const view = routeView(after);
      await writeAudit(tx, caller.actor, {
        action: "route-cost-limit.update",
        objectType: "route-cost-limit",
        objectId: id,
        before: auditRoute(routeView(before)),
        after: auditRoute(view),
      });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.name !== undefined) throw routeNameTaken(changes.name);
    throw error;
  }
}

export async function deleteRouteCostLimit(caller: Caller, id: string): Promise<RouteCostLimitView> {
  assertPermission(caller, "policy:write");
  return getDb().$transaction(async (tx) => {
    const before = await tx.routeCostLimit.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", ROUTE_NOT_FOUND);
    await tx.routeCostLimit.delete({ where: { id } });
    const view = routeView(before);
    await writeAudit(tx, caller.actor, { action: "route-cost-limit.delete", objectType: "route-cost-limit", objectId: id, before: auditRoute(view) });
    return view;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Abuse detection (singleton id = 1)
// ---------------------------------------------------------------------------------------------------------

const ABUSE_DEFAULTS = { enabled: true, maxCallsSameNumber: 5, windowSeconds: ABUSE_RANGES.windowSeconds.default } as const;

function abuseView(row: { enabled: boolean; maxCallsSameNumber: number; windowSeconds: number; updatedAt: Date | null }): AbuseDetectionView {
  return { enabled: row.enabled, maxCallsSameNumber: row.maxCallsSameNumber, windowSeconds: row.windowSeconds, updatedAt: row.updatedAt };
}

/** The settings; the migration creates the row, and its defaults stand in should it ever be missing. */
export async function getAbuseDetection(caller: Caller): Promise<AbuseDetectionView> {
  assertPermission(caller, "policy:read");
  const row = await getDb().abuseDetectionSettings.findUnique({ where: { id: 1 } });
  return row ? abuseView(row) : { ...ABUSE_DEFAULTS, updatedAt: null };
}

export async function setAbuseDetection(caller: Caller, input: AbuseDetection): Promise<AbuseDetectionView> {
  assertPermission(caller, "policy:write");
  return getDb().$transaction(async (tx) => {
    const before = await tx.abuseDetectionSettings.findUnique({ where: { id: 1 } });
    const data = { enabled: input.enabled, maxCallsSameNumber: input.maxCallsSameNumber, windowSeconds: input.windowSeconds };
    const after = await tx.abuseDetectionSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
    const strip = (v: AbuseDetectionView) => ({ enabled: v.enabled, maxCallsSameNumber: v.maxCallsSameNumber, windowSeconds: v.windowSeconds });
    await writeAudit(tx, caller.actor, {
      action: "abuse-detection.update",
      objectType: "abuse-detection-settings",
      objectId: "1",
      before: before ? strip(abuseView(before)) : null,
      after: strip(abuseView(after)),
    });
    return abuseView(after);
  });
}
