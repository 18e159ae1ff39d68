/** CSV export of an address list: one serializer, formula-protected cells (see ./csv). Re-imports as is. */
import { toCsvRow } from "./csv";

import type { TrustScope } from "@/lib/validation/policy";

export const EXPORT_COLUMNS = ["network", "comment", "expires_at", "status", "created_at", "author"] as const;
/** The whitelist's export adds each entry's trust scope (lib/lists/import-parse reads it back). */
export const WHITELIST_EXPORT_COLUMNS = [...EXPORT_COLUMNS, "scope"] as const;

export interface ExportableEntry {
  network: string;
  comment: string;
  expiresAt: Date | null;
  createdAt: Date;
  author: string;
  /** Whitelist entries only; null for the other lists (no scope column). */
  scope: TrustScope | null;
}

/** The header row; with `hasScope` (the whitelist) the scope column too. */
export function csvHeader(options: { hasScope: boolean } = { hasScope: false }): string {
  return toCsvRow(options.hasScope ? WHITELIST_EXPORT_COLUMNS : EXPORT_COLUMNS);
}

/** One entry as a CSV record; `now` decides the status column; a scope column when the entry has a scope. */
export function entryToCsvRow(entry: ExportableEntry, now: Date): string {
  const isExpired = entry.expiresAt !== null && entry.expiresAt.getTime() <= now.getTime();
  const cells = [
    entry.network,
    entry.comment,
    entry.expiresAt?.toISOString() ?? "",
    isExpired ? "expired" : "active",
    entry.createdAt.toISOString(),
    entry.author,
  ];
  if (entry.scope !== null) cells.push(entry.scope);
  return toCsvRow(cells);
}

/** A file name such as "blocklist-2025-01-31.csv". */
export function exportFileName(listSlug: string, now: Date): string {
  return `${listSlug}-${now.toISOString().slice(0, 10)}.csv`;
}
