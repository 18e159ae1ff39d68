import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isUuid } from "@/lib/validation/ids";
import type { ExtensionBlockListQuery, LiftBlockByExtension } from "@/lib/validation/extension-blocks";

import { writeAudit } from "./audit";
import { cursorInstant, decodeKeysetCursor, encodeKeysetCursor, invalidCursorError } from "./keyset-cursor";

// The call guard's extension blocks: an abuse block (too many calls to one international number) opens one, the
// collector stores it from the call record (recordCallRecords), and it holds on every node until an operator lifts
// it here. At most one block per (account code, extension) is open (a partial unique index).
//
// A block belongs to the tenant whose account code it carries. Listing needs calls:read, lifting bans:write (what
// unbanning an address needs); a tenant administrator reaches only blocks of the tenant's own account code, and a
// tenant without one reaches none. A block out of reach answers NOT_FOUND, like one that does not exist.
//
// Lists show the open blocks first, then the lifted ones, each newest first on (blocked_at DESC, id DESC).

export interface ExtensionBlockItem {
  id: string;
  accountCode: string;
  extension: string;
  /** The tenant with this account code, when one has it. */
  tenantId: string | null;
  tenantName: string | null;
  /** The node whose guard blocked it; null once that node was removed. */
  nodeId: string | null;
  nodeName: string | null;
  /** The international number the extension called too often. */
  number: string;
  blockedAt: Date;
  liftedAt: Date | null;
  liftedBy: string | null;
  isOpen: boolean;
}

export interface ExtensionBlockPage {
  items: ExtensionBlockItem[];
  /** Cursor for the blocks after this page's last one, null at the end. */
  nextCursor: string | null;
}

const NOT_FOUND = "The extension block does not exist.";

type Tx = Prisma.TransactionClient;
type Db = Pick<Tx, "tenant">;

const blockSelect = {
  id: true,
  accountCode: true,
  extension: true,
  nodeId: true,
  number: true,
  blockedAt: true,
  liftedAt: true,
  liftedBy: true,
  node: { select: { name: true } },
} satisfies Prisma.ExtensionBlockSelect;

type BlockRow = Prisma.ExtensionBlockGetPayload<{ select: typeof blockSelect }>;

/** The account code a caller may reach: undefined for every one, null for none (a tenant without an account code). */
async function accountScope(db: Db, caller: Caller): Promise<string | null | undefined> {
  if (caller.tenantId === null) return undefined;
  const tenant = await db.tenant.findUnique({ where: { id: caller.tenantId }, select: { accountCode: true } });
  return tenant?.accountCode ?? null;
}

async function toItems(db: Db, rows: readonly BlockRow[]): Promise<ExtensionBlockItem[]> {
  const codes = [...new Set(rows.map((row) => row.accountCode))];
  const tenants = codes.length === 0 ? [] : await db.tenant.findMany({ where: { accountCode: { in: codes } }, select: { id: true, name: true, accountCode: true } });
  const byCode = new Map(tenants.map((t) => [t.accountCode, t]));
  return rows.map(({ node, ...row }) => {
    const tenant = byCode.get(row.accountCode);
    return { ...row, tenantId: tenant?.id ?? null, tenantName: tenant?.name ?? null, nodeName: node?.name ?? null, isOpen: row.liftedAt === null };
  });
}

type Key = { isOpen: boolean; blockedAt: Date; id: string };

function encodeKey(item: ExtensionBlockItem): string {
  return encodeKeysetCursor([item.isOpen ? "open" : "lifted", item.blockedAt.toISOString(), item.id]);
}

function decodeKey(cursor: string): Key {
  const [state, blockedAt, id] = decodeKeysetCursor(cursor, 3) as [string, string, string];
  if ((state !== "open" && state !== "lifted") || !isUuid(id)) throw invalidCursorError();
  return { isOpen: state === "open", blockedAt: cursorInstant(blockedAt), id: id.toLowerCase() };
}

const after = (key: Key): Prisma.ExtensionBlockWhereInput => ({
  OR: [{ blockedAt: { lt: key.blockedAt } }, { blockedAt: key.blockedAt, id: { lt: key.id } }],
});

/** One page of blocks the caller may see: the open ones first, each part newest first; `open` keeps only those. */
export async function listExtensionBlocks(caller: Caller, query: ExtensionBlockListQuery): Promise<ExtensionBlockPage> {
  assertPermission(caller, "calls:read");
  const db = getDb();
  const key = query.cursor === undefined ? null : decodeKey(query.cursor);
  const scope = await accountScope(db, caller);
  if (scope === null) return { items: [], nextCursor: null };
  const inScope: Prisma.ExtensionBlockWhereInput = scope === undefined ? {} : { accountCode: scope };
  const take = query.limit + 1;
  const find = (where: Prisma.ExtensionBlockWhereInput[], count: number) =>
    db.extensionBlock.findMany({ where: { AND: [inScope, ...where] }, orderBy: [{ blockedAt: "desc" }, { id: "desc" }], take: count, select: blockSelect });
  // Two reads in the list's order (open, then lifted): a key in the lifted part skips the open one.
  const rows: BlockRow[] = [];
  if (key === null || key.isOpen) rows.push(...(await find([{ liftedAt: null }, ...(key ? [after(key)] : [])], take)));
  if (!query.open && rows.length < take) {
    rows.push(...(await find([{ liftedAt: { not: null } }, ...(key && !key.isOpen ? [after(key)] : [])], take - rows.length)));
  }
  const items = await toItems(db, rows.slice(0, query.limit));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeKey(last) : null };
}

/** Lifts one open block inside `tx`: refused when it was lifted meanwhile (the UPDATE is conditional). */
async function liftInTransaction(tx: Tx, caller: Caller, block: BlockRow, now: Date): Promise<ExtensionBlockItem> {
  if (block.liftedAt !== null) {
    throw new AppError("CONFLICT", `This block was already lifted on ${block.liftedAt.toISOString()} by ${block.liftedBy ?? "someone"}.`);
  }
  const { count } = await tx.extensionBlock.updateMany({ where: { id: block.id, liftedAt: null }, data: { liftedAt: now, liftedBy: caller.actor.label } });
  if (count === 0) throw new AppError("CONFLICT", "This block was lifted a moment ago by someone else.");
  await writeAudit(tx, caller.actor, {
    action: "extension-block.lift",
    objectType: "extension-block",
    objectId: block.id,
    before: { accountCode: block.accountCode, extension: block.extension, number: block.number, blockedAt: block.blockedAt.toISOString(), liftedAt: null },
    after: { liftedAt: now.toISOString(), liftedBy: caller.actor.label },
  });
  const [item] = await toItems(tx, [{ ...block, liftedAt: now, liftedBy: caller.actor.label }]);
  return item!;
}

/**
 * Lifts the block with this id (lifted_at = now, lifted_by = the caller's e-mail or token), audited in the same
 * transaction. An already lifted block is refused (CONFLICT); another tenant's answers NOT_FOUND. The nodes learn of
 * it from the cluster state (lib/observe/guard-cluster-sync.ts), which the caller sends after this returns.
 */
export async function liftExtensionBlock(caller: Caller, id: string, now: Date = new Date()): Promise<ExtensionBlockItem> {
  assertPermission(caller, "bans:write");
  if (!isUuid(id)) throw new AppError("NOT_FOUND", NOT_FOUND);
  return getDb().$transaction(async (tx) => {
    const scope = await accountScope(tx, caller);
    const block = await tx.extensionBlock.findUnique({ where: { id: id.toLowerCase() }, select: blockSelect });
    if (block === null || scope === null || (scope !== undefined && block.accountCode !== scope)) throw new AppError("NOT_FOUND", NOT_FOUND);
    return liftInTransaction(tx, caller, block, now);
  });
}

/** Lifts the open block of this account code's extension (the CLI's form); NOT_FOUND when it is not blocked. */
export async function liftExtensionBlockOf(caller: Caller, target: LiftBlockByExtension, now: Date = new Date()): Promise<ExtensionBlockItem> {
  assertPermission(caller, "bans:write");
  return getDb().$transaction(async (tx) => {
    const scope = await accountScope(tx, caller);
    const isReachable = scope === undefined || scope === target.accountCode;
    const block = isReachable
      ? await tx.extensionBlock.findFirst({ where: { accountCode: target.accountCode, extension: target.extension, liftedAt: null }, select: blockSelect })
      : null;
    if (block === null) throw new AppError("NOT_FOUND", `Extension ${target.extension} of account code ${target.accountCode} is not blocked.`);
    return liftInTransaction(tx, caller, block, now);
  });
}
