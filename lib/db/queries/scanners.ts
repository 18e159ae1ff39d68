import { z } from "zod";

import { assertPermission, type Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { LIST_LIMITS } from "@/lib/validation/policy";
import {
  scannerCreateSchema,
  scannerListSchema,
  scannerUpdateSchema,
  type ScannerCreateInput,
  type ScannerListInput,
  type ScannerUpdateInput,
} from "@/lib/validation/settings";
import { writeAudit } from "./audit";

// Known SIP scanner signatures: literal User-Agent text the compiler turns into string-match DROP rules.
// Patterns are unique as typed (case-sensitive, like the rule: see lib/validation/settings.ts). Reads need
// "policy:read", writes "policy:write"; every change is audited in its own transaction.

export interface ScannerView {
  id: string;
  pattern: string;
  enabled: boolean;
  comment: string;
  createdAt: Date;
  updatedAt: Date;
}

type Tx = Prisma.TransactionClient;

const viewSelect = { id: true, pattern: true, enabled: true, comment: true, createdAt: true, updatedAt: true } as const;

const NOT_FOUND_MESSAGE = "The signature does not exist.";

/** What the audit log keeps of a signature. */
function auditView(row: { id: string; pattern: string; enabled: boolean; comment: string }) {
  return { id: row.id, pattern: row.pattern, enabled: row.enabled, comment: row.comment };
}

/** Case-insensitive order for reading, then exact order so the list is total and stable. */
function comparePatterns(a: { pattern: string }, b: { pattern: string }): number {
  return a.pattern.localeCompare(b.pattern, "en", { sensitivity: "base" }) || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function patternTaken(pattern: string): AppError {
  const message = `The signature "${pattern}" is already in the list.`;
  return new AppError("CONFLICT", message, { pattern: [message] });
}

/** Ids arrive from URLs and forms: anything that is not a UUID is simply not found (never a database error). */
function assertId(id: string): void {
  if (!z.uuid().safeParse(id).success) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
}

async function lockList(tx: Tx): Promise<void> {
  // Serialises writers (create, update, replace) so the limit and duplicate checks see a settled list;
  // readers are not blocked.
  await tx.$executeRaw`LOCK TABLE scanner_signatures IN SHARE ROW EXCLUSIVE MODE`;
}

/** Every signature (at most LIST_LIMITS.scannerSignatures), in case-insensitive pattern order. */
export async function listScanners(caller: Caller): Promise<ScannerView[]> {
  assertPermission(caller, "policy:read");
  const rows = await getDb().scannerSignature.findMany({ select: viewSelect });
  return rows.sort(comparePatterns);
}

export async function getScanner(caller: Caller, id: string): Promise<ScannerView> {
  assertPermission(caller, "policy:read");
  assertId(id);
  const row = await getDb().scannerSignature.findUnique({ where: { id }, select: viewSelect });
  if (!row) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
  return row;
}

/** Adds a signature; an exact duplicate is a CONFLICT, and so is a full list. */
export async function createScanner(caller: Caller, input: ScannerCreateInput): Promise<ScannerView> {
  assertPermission(caller, "policy:write");
  const data = scannerCreateSchema.parse(input);
  try {
    return await getDb().$transaction(async (tx) => {
      await lockList(tx);
      if (await tx.scannerSignature.findUnique({ where: { pattern: data.pattern }, select: { id: true } })) throw patternTaken(data.pattern);
      const count = await tx.scannerSignature.count();
      if (count >= LIST_LIMITS.scannerSignatures) {
        throw new AppError("CONFLICT", `The list already holds ${LIST_LIMITS.scannerSignatures} signatures, the most a ruleset takes. Delete unused ones first.`);
      }
      const row = await tx.scannerSignature.create({ data, select: viewSelect });
      await writeAudit(tx, caller.actor, { action: "scanner.create", objectType: "scanner-signature", objectId: row.id, after: auditView(row) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw patternTaken(data.pattern);
    throw error;
  }
}

/** Changes a signature's pattern, comment or enabled flag. */
export async function updateScanner(caller: Caller, id: string, changes: ScannerUpdateInput): Promise<ScannerView> {
  assertPermission(caller, "policy:write");
  assertId(id);
  const data = scannerUpdateSchema.parse(changes);
  try {
    return await getDb().$transaction(async (tx) => {
      await lockList(tx);
      const before = await tx.scannerSignature.findUnique({ where: { id }, select: viewSelect });
      if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
      if (data.pattern !== undefined && data.pattern !== before.pattern) {
        if (await tx.scannerSignature.findUnique({ where: { pattern: data.pattern }, select: { id: true } })) throw patternTaken(data.pattern);
      }
      const isChanged =
        (data.pattern !== undefined && data.pattern !== before.pattern) ||
        (data.enabled !== undefined && data.enabled !== before.enabled) ||
        (data.comment !== undefined && data.comment !== before.comment);
      if (!isChanged) return before;
      const after = await tx.scannerSignature.update({ where: { id }, data, select: viewSelect });
      await writeAudit(tx, caller.actor, {
        action: "scanner.update", objectType: "scanner-signature", objectId: id, before: auditView(before), after: auditView(after),
      });
      return after;
    });
  } catch (error) {
    if (isUniqueViolation(error) && data.pattern !== undefined) throw patternTaken(data.pattern);
    throw error;
  }
}

export async function deleteScanner(caller: Caller, id: string): Promise<void> {
  assertPermission(caller, "policy:write");
  assertId(id);
  await getDb().$transaction(async (tx) => {
    const before = await tx.scannerSignature.findUnique({ where: { id }, select: viewSelect });
    if (!before) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE);
    const { count } = await tx.scannerSignature.deleteMany({ where: { id } });
    if (count === 0) throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE); // deleted meanwhile
    await writeAudit(tx, caller.actor, { action: "scanner.delete", objectType: "scanner-signature", objectId: id, before: auditView(before) });
  });
}

export interface ScannerReplaceResult {
  signatures: ScannerView[];
  added: number;
  updated: number;
  removed: number;
}

/**
 * Replaces the whole list (API PUT). Items carry the id of the signature they keep, or, without an id, are
 * matched to a stored signature with exactly their pattern (among those no other item names by id); unmatched
 * items are added and unmatched signatures deleted. An omitted comment keeps the stored one. One audit record
 * holds the list before and after.
 */
export async function replaceScanners(caller: Caller, input: ScannerListInput): Promise<ScannerReplaceResult> {
  assertPermission(caller, "policy:write");
  const { signatures: items } = scannerListSchema.parse(input);
  return getDb().$transaction(async (tx) => {
    await lockList(tx);
    const existing = await tx.scannerSignature.findMany({ select: viewSelect });
    const byId = new Map(existing.map((row) => [row.id, row]));
    const claimedIds = new Set(items.flatMap((item) => (item.id !== undefined ? [item.id] : [])));

    const fieldErrors: Record<string, string[]> = {};
    items.forEach((item, index) => {
      if (item.id !== undefined && !byId.has(item.id)) {
        fieldErrors[`signatures.${index}.id`] = ["No signature has this id; leave the id out to add a new signature."];
      }
    });
    if (Object.keys(fieldErrors).length > 0) {
      const first = Object.keys(fieldErrors)[0];
      throw new AppError("VALIDATION", `${first}: no signature has this id.`, fieldErrors);
    }

    const byFreePattern = new Map(existing.filter((row) => !claimedIds.has(row.id)).map((row) => [row.pattern, row]));
    const matched = new Map<string, (typeof items)[number]>();
    const added: (typeof items)[number][] = [];
    for (const item of items) {
      const row = item.id !== undefined ? byId.get(item.id) : byFreePattern.get(item.pattern);
      if (row === undefined) added.push(item);
      else matched.set(row.id, item);
    }
    const removed = existing.filter((row) => !matched.has(row.id));
    const updated = existing.flatMap((row) => {
      const item = matched.get(row.id);
      if (item === undefined) return [];
      const next = { pattern: item.pattern, enabled: item.enabled, comment: item.comment ?? row.comment };
      return next.pattern === row.pattern && next.enabled === row.enabled && next.comment === row.comment ? [] : [{ row, next }];
    });

    if (removed.length > 0) await tx.scannerSignature.deleteMany({ where: { id: { in: removed.map((row) => row.id) } } });
    // Renames go through a placeholder first, so swapping two patterns never trips the unique index.
    const renamed = updated.filter(({ row, next }) => row.pattern !== next.pattern);
    for (const { row } of renamed) await tx.scannerSignature.update({ where: { id: row.id }, data: { pattern: `~renaming~${row.id}` } });
    for (const { row, next } of updated) await tx.scannerSignature.update({ where: { id: row.id }, data: next });
    if (added.length > 0) {
      await tx.scannerSignature.createMany({
        data: added.map((item) => ({ pattern: item.pattern, enabled: item.enabled, comment: item.comment ?? "" })),
      });
    }

    const after = (await tx.scannerSignature.findMany({ select: viewSelect })).sort(comparePatterns);
    if (removed.length + updated.length + added.length > 0) {
      await writeAudit(tx, caller.actor, {
        action: "scanner.replace",
        objectType: "scanner-signature",
        objectId: null,
        before: [...existing].sort(comparePatterns).map(auditView),
        after: after.map(auditView),
      });
    }
    return { signatures: after, added: added.length, updated: updated.length, removed: removed.length };
  });
}
