import type { AddressEntryView } from "@/lib/db/queries/address-entries";
import type { TrustScope } from "@/lib/validation/policy";

/** An entry as the client components receive it: plain JSON (dates as ISO text). */
export interface EntryRow {
  id: string;
  network: string;
  comment: string;
  source: string;
  /** Whitelist entries: what the entry trusts; null on the other lists. */
  scope: TrustScope | null;
  expiresAt: string | null;
  author: string;
  createdAt: string;
  isExpired: boolean;
  isOverBroad: boolean;
  coveredBy: string | null;
  conflictWith: string | null;
  /** Tenant networks: why it waits for an administrator's approval (null: in force). */
  pendingReason: string | null;
}

function isOverBroad(network: string): boolean {
  const slash = network.indexOf("/");
  if (slash < 0) return false;
  const prefix = Number(network.slice(slash + 1));
  return network.includes(":") ? prefix < 32 : prefix < 8;
}

export function toEntryRow(entry: AddressEntryView): EntryRow {
  return {
    id: entry.id,
    network: entry.network,
    comment: entry.comment,
    source: entry.source,
    scope: entry.scope,
    expiresAt: entry.expiresAt?.toISOString() ?? null,
    author: entry.author,
    createdAt: entry.createdAt.toISOString(),
    isExpired: entry.isExpired,
    isOverBroad: isOverBroad(entry.network),
    coveredBy: entry.coveredBy,
    conflictWith: entry.conflictWith,
    pendingReason: entry.pendingReason,
  };
}
