/**
 * zod schemas and checks for address-list entries (whitelist, blocklist, management access, tenant IP
 * restrictions), shared by the forms, server actions, REST API, CLI and file import.
 *
 * Built on lib/net/parse (the only address parser) and lib/validation/policy (the comment allow-list, the
 * instant format and the list sizes the ruleset compiler accepts), so whatever is stored here compiles.
 *
 *   network      any host or network except /0 (the compiler refuses it: `hash:net` cannot hold it);
 *                over-broad networks (IPv4 wider than /8, IPv6 wider than /32) need `confirmBroad: true`
 *   comment      printable ASCII without quotes, backslash, %, $, backtick; at most 200 characters
 *   expiresAt    ISO 8601 instant with offset, in the future; null or absent: never expires
 *   scope        whitelist only: what the entry trusts (ALL, SIP, NO_BAN; see TRUST_SCOPE_INFO); absent on a
 *                create means ALL. ALL is an administrator's decision (canWriteScope)
 */
import { z } from "zod";

import { parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import type { Role } from "@/lib/generated/prisma/enums";
import { LIST_LIMITS, TRUST_SCOPES, checkComment, checkInstant, commentSchema, type TrustScope } from "@/lib/validation/policy";
import { optionalNetworkFilter } from "@/lib/validation/address";
import type { ListKind } from "@/lib/lists/targets";
import { MAX_IMPORT_BYTES } from "@/lib/lists/import-limit.mjs";
import { safeText } from "@/lib/validation/text";

/** Most entries each list may hold (the compiler refuses bigger snapshots). Per tenant for restrictions. */
export const LIST_MAX_ENTRIES: Record<ListKind, number> = {
  whitelist: LIST_LIMITS.whitelist,
  blocklist: LIST_LIMITS.blocklist,
  management: LIST_LIMITS.management,
  tenant: LIST_LIMITS.tenantRestrictions,
};

/** Largest page a list query returns. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
/** Most ids one bulk delete by selection takes. */
export const MAX_BULK_IDS = 1_000;
export const MAX_SEARCH_LENGTH = 100;

export type EntryNetworkCheck =
  | { ok: true; value: ParsedNetwork }
  | { ok: false; error: string; field: "network" | "confirmBroad" };

/** The share of the family's address space a network covers, in words: "1/16 of all IPv4 addresses". */
export function describeShare(network: ParsedNetwork): string {
  const space = `IPv${network.family} addresses`;
  return network.prefixLength === 0 ? `all ${space}` : `1/${(2 ** network.prefixLength).toLocaleString("en-US")} of all ${space}`;
}

export function broadNetworkMessage(network: ParsedNetwork): string {
  return `${network.canonical} covers ${describeShare(network)}: confirm that you mean a network this broad.`;
}

export const ZERO_PREFIX_MESSAGE =
  "A /0 network matches every address and cannot be stored in an address list: use the node's own firewall policy instead.";

/** A network as a list entry: the parser's verdict, /0 refused, over-broad only when confirmed. */
export function checkEntryNetwork(text: unknown, confirmBroad: boolean): EntryNetworkCheck {
  if (typeof text !== "string") return { ok: false, error: "Enter the IP address or network as text.", field: "network" };
  const parsed = parseNetwork(text);
  if (!parsed.ok) return { ok: false, error: parsed.error, field: "network" };
  if (parsed.value.prefixLength === 0) return { ok: false, error: ZERO_PREFIX_MESSAGE, field: "network" };
  if (parsed.value.isOverBroad && !confirmBroad) return { ok: false, error: broadNetworkMessage(parsed.value), field: "confirmBroad" };
  return parsed;
}

export type ExpiryCheck = { ok: true; value: Date | null } | { ok: false; error: string };

/** An expiry instant: empty means never; otherwise strict ISO 8601 with offset, and after `now`. */
export function checkExpiry(text: unknown, now: Date): ExpiryCheck {
  if (text === undefined || text === null || text === "") return { ok: true, value: null };
  const error = checkInstant(text);
  if (error !== null) return { ok: false, error };
  const value = new Date(text as string);
  if (Number.isNaN(value.getTime())) return { ok: false, error: "Expiry is not a valid date-time." };
  if (value.getTime() <= now.getTime()) return { ok: false, error: `Expiry ${value.toISOString()} is in the past: choose a later time or leave it empty.` };
  return { ok: true, value };
}

export { checkComment, TRUST_SCOPES, type TrustScope };

// ---------------------------------------------------------------------------------------------------------
// Trust scope (whitelist entries)
// ---------------------------------------------------------------------------------------------------------

/** What each scope lets through, in one line each (forms, CLI help, API descriptions). */
export const TRUST_SCOPE_INFO: Record<TrustScope, { label: string; description: string }> = {
  ALL: {
    label: "Everything",
    description: "Every port of every node, ahead of the blocklist, GeoIP and bans; never banned by any jail. Administrators only.",
  },
  SIP: {
    label: "SIP and RTP only",
    description: "SIP and media only, still behind the blocklist, GeoIP, bans and scanner rules; exempt from the SIP rate limits and never banned by the VoIP jail.",
  },
  NO_BAN: {
    label: "Never banned (VoIP jail)",
    description: "Filtered like any other address; only the VoIP jail never bans it.",
  },
};

/** The default scope of a new whitelist entry. */
export const DEFAULT_TRUST_SCOPE: TrustScope = "ALL";

export const SCOPE_MESSAGE = "Scope must be ALL, SIP or NO_BAN.";
export const SCOPE_WHITELIST_ONLY_MESSAGE = "Only whitelist entries have a scope: leave scope out for this list.";
export const SCOPE_ALL_ADMIN_MESSAGE =
  "Only an administrator can trust an address on every port (scope ALL): choose scope SIP or NO_BAN.";

/** Scope text as given (case-insensitive, as CSV files and query strings bring it). */
export const scopeSchema = safeText({ error: SCOPE_MESSAGE })
  .transform((value) => value.trim().toUpperCase().replace(/-/g, "_"))
  .pipe(z.enum(TRUST_SCOPES, { error: SCOPE_MESSAGE }));

/** A scope of a CSV line or query parameter: the scope, or null when the text is not one. */
export function parseScope(text: string): TrustScope | null {
  const parsed = scopeSchema.safeParse(text);
  return parsed.success ? parsed.data : null;
}

/** ALL is every port and every jail: administrators only. Everyone allowed to write the whitelist may write SIP and NO_BAN. */
export function canWriteScope(role: Role, scope: TrustScope): boolean {
  return scope !== "ALL" || role === "ADMIN";
}

/** Orders scopes by what they trust, most first (ALL > SIP > NO_BAN): a wider entry covers a narrower one only if it trusts at least as much. */
export function trustRank(scope: TrustScope): number {
  return TRUST_SCOPES.length - TRUST_SCOPES.indexOf(scope);
}

export type ScopeCheck = { ok: true; value: TrustScope | null } | { ok: false; error: string };

/**
 * The scope an entry of `kind` is stored with: the whitelist's given scope or `fallback`; other lists take no
 * scope at all (null), and one sent for them is refused rather than ignored.
 */
export function resolveListScope(kind: ListKind, scope: TrustScope | undefined, fallback: TrustScope | undefined): ScopeCheck {
  if (kind !== "whitelist") return scope === undefined ? { ok: true, value: null } : { ok: false, error: SCOPE_WHITELIST_ONLY_MESSAGE };
  return { ok: true, value: scope ?? fallback ?? null };
}

const expiresAtField = z
  .union([safeText({ error: "Expiry must be an ISO 8601 date-time, or null." }), z.null()], {
    error: "Expiry must be an ISO 8601 date-time, or null.",
  })
  .optional()
  .transform((value, ctx): Date | null | undefined => {
    if (value === undefined) return undefined;
    const checked = checkExpiry(value, new Date());
    if (!checked.ok) {
      ctx.addIssue({ code: "custom", message: checked.error });
      return z.NEVER;
    }
    return checked.value;
  });

const networkFields = {
  network: safeText({ error: "Enter the IP address or network as text." }),
  confirmBroad: z.boolean({ error: "confirmBroad must be true or false." }).optional(),
  allowCovered: z.boolean({ error: "allowCovered must be true or false." }).optional(),
};

function parseNetworkField(network: string, confirmBroad: boolean | undefined, ctx: z.RefinementCtx): ParsedNetwork {
  const checked = checkEntryNetwork(network, confirmBroad === true);
  if (!checked.ok) {
    ctx.addIssue({ code: "custom", path: [checked.field], message: checked.error });
    return z.NEVER as never;
  }
  return checked.value;
}

/** Body of a create (form, action, `POST /api/v1/{list}`). */
export const entryCreateSchema = z
  .strictObject({
    ...networkFields,
    comment: commentSchema.optional(),
    expiresAt: expiresAtField,
    /** Whitelist only (the data layer refuses it for other lists); absent: ALL. */
    scope: scopeSchema.optional(),
  })
  .transform((input, ctx) => ({
    network: parseNetworkField(input.network, input.confirmBroad, ctx),
    comment: input.comment ?? "",
    expiresAt: input.expiresAt ?? null,
    /** Store the entry even when a wider entry of the same list already covers it. */
    allowCovered: input.allowCovered === true,
    ...(input.scope === undefined ? {} : { scope: input.scope }),
  }));

export type EntryCreateInput = z.input<typeof entryCreateSchema>;
export type EntryCreate = z.output<typeof entryCreateSchema>;

/** Body of an edit: every field optional; `expiresAt: null` clears the expiry. */
export const entryUpdateSchema = z
  .strictObject({
    network: networkFields.network.optional(),
    confirmBroad: networkFields.confirmBroad,
    allowCovered: networkFields.allowCovered,
    comment: commentSchema.optional(),
    expiresAt: expiresAtField,
    /** Whitelist only; absent: unchanged. */
    scope: scopeSchema.optional(),
  })
  .transform((input, ctx) => ({
    network: input.network === undefined ? undefined : parseNetworkField(input.network, input.confirmBroad, ctx),
    comment: input.comment,
    expiresAt: input.expiresAt,
    allowCovered: input.allowCovered === true,
    ...(input.scope === undefined ? {} : { scope: input.scope }),
  }));

export type EntryUpdateInput = z.input<typeof entryUpdateSchema>;
export type EntryUpdate = z.output<typeof entryUpdateSchema>;

export const ENTRY_STATUSES = ["all", "active", "expired"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const LIST_SORTS = ["newest", "network"] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** Free-text search: bounded, no control or invisible characters. */
const searchField = safeText({ error: "Search must be text." })
  .trim()
  .max(MAX_SEARCH_LENGTH, `Search is too long: at most ${MAX_SEARCH_LENGTH} characters.`)
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "Search must not contain control or invisible characters.")
  .optional()
  .transform((v) => (v ? v : undefined));

/** "Which entries cover this address": an address, or a network (entries equal to or wider than it). */
const coversField = optionalNetworkFilter("Enter the address to look up as text.");

/** The filter part of a list query, shared by listing, counting, bulk delete by filter and export. */
export const entryFilterSchema = z.object({
  q: searchField,
  covers: coversField,
  status: z.enum(ENTRY_STATUSES, { error: "Status must be all, active or expired." }).optional().default("all"),
  /** Whitelist: only entries of this scope. */
  scope: z
    .union([z.literal(""), scopeSchema])
    .transform((v) => (v ? v : undefined))
    .optional(),
});

export type EntryFilterInput = z.input<typeof entryFilterSchema>;
export type EntryFilter = z.output<typeof entryFilterSchema>;

/** A list query: `?q=&covers=&status=&sort=&limit=&cursor=` (query strings, so numbers are coerced). */
export const listQuerySchema = entryFilterSchema.extend({
  sort: z.enum(LIST_SORTS, { error: "Sort must be newest or network." }).optional().default("newest"),
  limit: z.coerce
    .number({ error: "Limit must be a number." })
    .int("Limit must be a whole number.")
    .min(1, `Limit must be 1 to ${MAX_PAGE_SIZE}.`)
    .max(MAX_PAGE_SIZE, `Limit must be 1 to ${MAX_PAGE_SIZE}.`)
    .optional()
    .default(DEFAULT_PAGE_SIZE),
  cursor: safeText({ error: "Cursor must be text." }).max(512, "The page cursor is invalid.").optional(),
});

export type ListQueryInput = z.input<typeof listQuerySchema>;
export type ListQuery = z.output<typeof listQuerySchema>;

/** Bulk delete: by selected ids, or everything matching a filter (with the count the user confirmed). */
export const bulkDeleteSchema = z.union(
  [
    z.strictObject({
      ids: z
        .array(z.uuid({ error: "Each id must be a UUID." }), { error: "ids must be a list of entry ids." })
        .min(1, "Select at least one entry.")
        .max(MAX_BULK_IDS, `Delete at most ${MAX_BULK_IDS} selected entries at once; use delete by filter for more.`),
    }),
    z.strictObject({
      filter: entryFilterSchema,
      /** The count the user was shown; the delete is refused if the filter now matches a different number. */
      expectedCount: z
        .number({ error: "expectedCount is required: the number of entries the filter matches (see …/count), as confirmed." })
        .int("expectedCount must be a whole number.")
        .min(0, "expectedCount must not be negative."),
    }),
  ],
  { error: "Send either { ids: [...] } or { filter: {...}, expectedCount }." },
);

export type BulkDeleteInput = z.input<typeof bulkDeleteSchema>;
export type BulkDelete = z.output<typeof bulkDeleteSchema>;

export const IMPORT_FORMATS = ["auto", "text", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Options of a bulk paste or file import. */
export const importOptionsSchema = z.strictObject({
  format: z.enum(IMPORT_FORMATS, { error: "Format must be auto, text or csv." }).optional().default("auto"),
  /** Comment for lines that bring none. */
  comment: commentSchema.optional().default(""),
  allowCovered: z.boolean({ error: "allowCovered must be true or false." }).optional().default(false),
  confirmBroad: z.boolean({ error: "confirmBroad must be true or false." }).optional().default(false),
  /**
   * Whitelist only: the scope of lines that bring none (a CSV `scope` column, as the export writes it, gives
   * each line its own). Absent: ALL.
   */
  scope: scopeSchema.optional(),
});

export type ImportOptionsInput = z.input<typeof importOptionsSchema>;
export type ImportOptions = z.output<typeof importOptionsSchema>;

/**
 * Longest text one import takes, in UTF-16 code units: the one import limit (lib/lists/import-limit.mjs), which
 * counts UTF-8 bytes and so is never smaller than the text's length. About two million lines.
 */
export const MAX_IMPORT_TEXT_LENGTH = MAX_IMPORT_BYTES;
export const IMPORT_TOO_LARGE_MESSAGE = `The import is too large: at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split the file into parts.`;

/** JSON body of a bulk import: the pasted text plus options. */
export const importBodySchema = importOptionsSchema.extend({
  text: safeText({ error: "text must be the pasted lines as one string.", isMultiline: true })
    .max(MAX_IMPORT_TEXT_LENGTH, IMPORT_TOO_LARGE_MESSAGE),
});

/** `PUT /api/v1/settings/management-access`: the whole anti-lockout list. */
export const managementReplaceSchema = z
  .strictObject({
    entries: z
      .array(
        z.strictObject({
          network: safeText({ error: "Enter the IP address or network as text." }),
          comment: commentSchema.optional(),
          expiresAt: expiresAtField,
        }),
        { error: "entries must be a list of { network, comment?, expiresAt? }." },
      )
      .max(LIST_LIMITS.management, `At most ${LIST_LIMITS.management} management entries.`),
    confirmBroad: z.boolean({ error: "confirmBroad must be true or false." }).optional(),
  })
  .transform((input, ctx) => {
    const seen = new Map<string, number>();
    const entries: { network: ParsedNetwork; comment: string; expiresAt: Date | null }[] = [];
    input.entries.forEach((entry, index) => {
      const checked = checkEntryNetwork(entry.network, input.confirmBroad === true);
      if (!checked.ok) {
        ctx.addIssue({ code: "custom", path: checked.field === "network" ? ["entries", index, "network"] : ["confirmBroad"], message: checked.error });
        return;
      }
      const first = seen.get(checked.value.canonical);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["entries", index, "network"], message: `${checked.value.canonical} is listed twice (also entry ${first + 1}).` });
        return;
      }
      seen.set(checked.value.canonical, index);
      entries.push({ network: checked.value, comment: entry.comment ?? "", expiresAt: entry.expiresAt ?? null });
    });
    return { entries };
  });

export type ManagementReplaceInput = z.input<typeof managementReplaceSchema>;
export type ManagementReplace = z.output<typeof managementReplaceSchema>;
