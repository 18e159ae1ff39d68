import { z } from "zod";

/**
 * The four address lists share one engine (lib/db/queries/address-entries.ts, components/address-list). A
 * target names one of them; tenant restrictions are one list per tenant. Plain data, safe in client bundles.
 */
export type ListKind = "whitelist" | "blocklist" | "management" | "tenant";

export type ListTarget =
  | { kind: "whitelist" }
  | { kind: "blocklist" }
  | { kind: "management" }
  | { kind: "tenant"; tenantId: string };

/** The database enum value of each kind (lib/generated/prisma/enums AddressList). */
export const LIST_ENUM = {
  whitelist: "WHITELIST",
  blocklist: "BLOCKLIST",
  management: "MANAGEMENT",
  tenant: "TENANT_RESTRICTION",
} as const satisfies Record<ListKind, string>;

export type ListEnum = (typeof LIST_ENUM)[ListKind];

const KIND_OF_ENUM: Record<ListEnum, ListKind> = {
  WHITELIST: "whitelist",
  BLOCKLIST: "blocklist",
  MANAGEMENT: "management",
  TENANT_RESTRICTION: "tenant",
};

export function kindOfEnum(list: ListEnum): ListKind {
  return KIND_OF_ENUM[list];
}

/** Words for messages: "already on the blocklist", "Add to the whitelist". */
export const LIST_WORDS: Record<ListKind, { name: string; title: string; audit: string }> = {
  whitelist: { name: "the whitelist", title: "Whitelist", audit: "whitelist" },
  blocklist: { name: "the blocklist", title: "Blocklist", audit: "blocklist" },
  management: { name: "the management access list", title: "Management access", audit: "management-access" },
  tenant: { name: "the tenant's IP restrictions", title: "IP restrictions", audit: "tenant-restriction" },
};

/** The list whose overlapping entries are reported as conflicts (whitelist against blocklist only). */
export function conflictingKind(kind: ListKind): "whitelist" | "blocklist" | null {
  if (kind === "whitelist") return "blocklist";
  if (kind === "blocklist") return "whitelist";
  return null;
}

/** Client-supplied targets (server actions) are parsed like any other input. */
export const listTargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("whitelist") }),
  z.strictObject({ kind: z.literal("blocklist") }),
  z.strictObject({ kind: z.literal("management") }),
  z.strictObject({ kind: z.literal("tenant"), tenantId: z.uuid({ error: "Unknown tenant." }) }),
]);

/** Where the list's page lives (for revalidation and links). */
export function listPagePath(target: ListTarget): string {
  switch (target.kind) {
    case "whitelist":
      return "/firewall/whitelist";
    case "blocklist":
      return "/firewall/blocklist";
    case "management":
      return "/firewall/management-access";
    case "tenant":
      return `/tenants/${target.tenantId}/restrictions`;
  }
}

/** The REST collection of the list (export lives at `${path}/export`). */
export function listApiPath(target: ListTarget): string {
  switch (target.kind) {
    case "whitelist":
      return "/api/v1/whitelist";
    case "blocklist":
      return "/api/v1/blocklist";
    case "management":
      return "/api/v1/settings/management-access";
    case "tenant":
      return `/api/v1/tenants/${target.tenantId}/restrictions`;
  }
}
