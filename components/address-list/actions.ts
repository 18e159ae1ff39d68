"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import {
  countAddressEntries,
  createAddressEntry,
  deleteAddressEntries,
  deleteAddressEntry,
  updateAddressEntry,
} from "@/lib/db/queries/address-entries";
import { AppError } from "@/lib/errors";
import { listPagePath, listTargetSchema, type ListTarget } from "@/lib/lists/targets";
import {
  bulkDeleteSchema,
  entryCreateSchema,
  entryFilterSchema,
  entryUpdateSchema,
  type BulkDeleteInput,
  type EntryCreateInput,
  type EntryFilterInput,
  type EntryUpdateInput,
} from "@/lib/validation/address-entry";
import { z } from "zod";
import { toEntryRow, type EntryRow } from "./entry-row";

// Server actions of the one address-list UI (whitelist, blocklist, management access, tenant restrictions).
// The target comes from the client, so it is parsed like any other input; the role is checked here and the
// data layer checks permission and tenant again, next to the data.

async function callerFor(rawTarget: unknown, mode: "read" | "write"): Promise<{ caller: Caller; target: ListTarget }> {
  const parsed = listTargetSchema.safeParse(rawTarget);
  if (!parsed.success) throw new AppError("NOT_FOUND", "This list does not exist.");
  const target = parsed.data;
  const permission = target.kind === "tenant" ? (mode === "read" ? "restrictions:read" : "restrictions:write") : mode === "read" ? "policy:read" : "policy:write";
  const user = await requirePermission(permission);
  return { caller: callerFromUser(user, getClientIp(await headers())), target };
}

export interface EntryChangeData {
  entry: EntryRow;
  notices: string[];
}

export async function createEntryAction(rawTarget: ListTarget, input: EntryCreateInput): Promise<ActionResult<EntryChangeData>> {
  return runAction(async () => {
    const { caller, target } = await callerFor(rawTarget, "write");
    const result = await createAddressEntry(caller, target, entryCreateSchema.parse(input));
    revalidatePath(listPagePath(target));
    return { entry: toEntryRow(result.entry), notices: result.notices };
  });
}

export async function updateEntryAction(rawTarget: ListTarget, id: string, input: EntryUpdateInput): Promise<ActionResult<EntryChangeData>> {
  return runAction(async () => {
    const { caller, target } = await callerFor(rawTarget, "write");
    const entryId = z.uuid().safeParse(id);
    if (!entryId.success) throw new AppError("NOT_FOUND", "The entry does not exist (it may have been deleted).");
    const result = await updateAddressEntry(caller, target, entryId.data, entryUpdateSchema.parse(input));
    revalidatePath(listPagePath(target));
    return { entry: toEntryRow(result.entry), notices: result.notices };
  });
}

export async function deleteEntryAction(rawTarget: ListTarget, id: string): Promise<ActionResult<{ network: string }>> {
  return runAction(async () => {
    const { caller, target } = await callerFor(rawTarget, "write");
    const entryId = z.uuid().safeParse(id);
    if (!entryId.success) throw new AppError("NOT_FOUND", "The entry does not exist (it may have been deleted).");
    const deleted = await deleteAddressEntry(caller, target, entryId.data);
    revalidatePath(listPagePath(target));
    return { network: deleted.network };
  });
}

export async function bulkDeleteAction(rawTarget: ListTarget, input: BulkDeleteInput): Promise<ActionResult<{ deleted: number }>> {
  return runAction(async () => {
    const { caller, target } = await callerFor(rawTarget, "write");
    const result = await deleteAddressEntries(caller, target, bulkDeleteSchema.parse(input));
    revalidatePath(listPagePath(target));
    return result;
  });
}

/** The number "delete all matching" will delete, for its confirmation. */
export async function countMatchingAction(rawTarget: ListTarget, filter: EntryFilterInput): Promise<ActionResult<{ count: number }>> {
  return runAction(async () => {
    const { caller, target } = await callerFor(rawTarget, "read");
    return { count: await countAddressEntries(caller, target, entryFilterSchema.parse(filter)) };
  });
}

/** Rejected lines sent back to the browser; the counts cover all of them. */
