"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { runAction, type ActionResult } from "@/lib/action-result";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePermission } from "@/lib/auth/guards";
import { createScanner, deleteScanner, updateScanner, type ScannerView } from "@/lib/db/queries/scanners";
import { scannerCreateSchema, scannerUpdateSchema } from "@/lib/validation/settings";

export interface ScannerItem {
  id: string;
  pattern: string;
  enabled: boolean;
  comment: string;
}

const toItem = ({ id, pattern, enabled, comment }: ScannerView): ScannerItem => ({ id, pattern, enabled, comment });

async function currentCaller() {
  const user = await requirePermission("policy:write");
  return callerFromUser(user, getClientIp(await headers()));
}

export async function createScannerAction(input: { pattern: string; comment: string; enabled: boolean }): Promise<ActionResult<ScannerItem>> {
  return runAction(async () => {
    const caller = await currentCaller();
    const created = await createScanner(caller, scannerCreateSchema.parse(input));
    revalidatePath("/firewall/scanners");
    return toItem(created);
  });
}

/** Edits the pattern or comment, or switches the signature on or off. */
export async function updateScannerAction(id: string, changes: { pattern?: string; comment?: string; enabled?: boolean }): Promise<ActionResult<ScannerItem>> {
  return runAction(async () => {
    const caller = await currentCaller();
    const updated = await updateScanner(caller, String(id), scannerUpdateSchema.parse(changes));
    revalidatePath("/firewall/scanners");
    return toItem(updated);
  });
}

export async function deleteScannerAction(id: string): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    const caller = await currentCaller();
    await deleteScanner(caller, String(id));
    revalidatePath("/firewall/scanners");
    return undefined;
  });
}
