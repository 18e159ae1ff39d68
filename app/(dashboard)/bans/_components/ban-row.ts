import type { BannedAddressView, BanNode } from "@/lib/db/queries/bans";

// What the client table gets per banned address: plain JSON (ISO strings), nothing it does not show.

export interface BanRow {
  address: string;
  country: string | null;
  jails: string[];
  nodes: BanNode[];
  firstSeenAt: string;
  lastSeenAt: string;
  bannedAt: string;
  expiresAt: string | null;
  priorBanCount: number;
}

export function toBanRow(view: BannedAddressView): BanRow {
  return {
    address: view.address,
    country: view.country,
    jails: view.jails,
    nodes: view.nodes,
    firstSeenAt: view.firstSeenAt.toISOString(),
    lastSeenAt: view.lastSeenAt.toISOString(),
    bannedAt: view.bannedAt.toISOString(),
    expiresAt: view.expiresAt?.toISOString() ?? null,
    priorBanCount: view.priorBanCount,
  };
}
