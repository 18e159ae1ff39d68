/** CSV export of an address list: one serializer, formula-protected cells (see ./csv). Re-imports as is. */
import { toCsvRow } from "./csv";

export const EXPORT_COLUMNS = ["network", "comment", "expires_at", "status", "created_at", "author"] as const;

export interface ExportableEntry {
  network: string;
  comment: string;
  expiresAt: Date | null;
  createdAt: Date;
  author: string;
}

export function csvHeader(): string {
  return toCsvRow(EXPORT_COLUMNS);
}

/** One entry as a CSV record; `now` decides the status column. */
export function entryToCsvRow(entry: ExportableEntry, now: Date): string {
  const isExpired = entry.expiresAt !== null && entry.expiresAt.getTime() <= now.getTime();
  return toCsvRow([
    entry.network,
    entry.comment,
    entry.expiresAt?.toISOString() ?? "",
    isExpired ? "expired" : "active",
    entry.createdAt.toISOString(),
    entry.author,
  ]);
}

/** A file name such as "blocklist-2025-01-31.csv". */
export function exportFileName(listSlug: string, now: Date): string {
  return `${listSlug}-${now.toISOString().slice(0, 10)}.csv`;
}
