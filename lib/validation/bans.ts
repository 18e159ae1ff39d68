/**
 * zod schemas for the Bans page, its server actions, and (later) the API and CLI: the banned-address query and
 * the unban request. Addresses and networks go through lib/net/parse only; jail names are fail2ban's own
 * characters (they end up as an argument of `fail2ban-client unbanip <jail>` on the node).
 */
import { z } from "zod";

import { isJailName } from "@/lib/observe/fail2ban-status";
import { parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { optionalNetworkFilter } from "@/lib/validation/address";
import { checkExpiry } from "@/lib/validation/address-entry";
import { commentSchema } from "@/lib/validation/policy";
import { safeText } from "@/lib/validation/text";

export const BAN_SORTS = ["bannedAt", "lastSeen", "address"] as const;
export type BanSort = (typeof BAN_SORTS)[number];

export const BAN_PAGE_SIZE = 50;
export const MAX_BAN_PAGE_SIZE = 200;
/** Most addresses one unban request takes (one page of bulk selection, with room). */
export const MAX_UNBAN_ADDRESSES = 500;

const networkField = optionalNetworkFilter("Enter an address or network as text.");

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

const jailField = safeText({ error: "Jail must be text." })
  .refine(isJailName, "Jail must be a fail2ban jail name (letters, digits, . _ @ -).");

/** `?q=&country=&jail=&node=&sort=&cursor=&limit=` of the Bans page (query strings, so numbers are coerced). */
export const banListQuerySchema = z.object({
  /** An address (its bans) or a network (every banned address inside it). */
  q: networkField,
  country: z.preprocess(
    emptyToUndefined,
    safeText({ error: "Country must be text." })
      .trim()
      .transform((v) => v.toUpperCase())
      .pipe(safeText().regex(/^[A-Z]{2}$/, "Country must be a two-letter ISO code, e.g. DE."))
      .optional(),
  ),
  jail: z.preprocess(emptyToUndefined, jailField.optional()),
  node: z.preprocess(emptyToUndefined, z.uuid({ error: "Node must be a node id." }).optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(BAN_SORTS, { error: "Sort must be bannedAt, lastSeen or address." }).optional().default("bannedAt")),
  cursor: z.preprocess(emptyToUndefined, safeText({ error: "Cursor must be text." }).max(512, "The page cursor is invalid.").optional()),
  limit: z.coerce
    .number({ error: "Limit must be a number." })
    .int("Limit must be a whole number.")
    .min(1, `Limit must be 1 to ${MAX_BAN_PAGE_SIZE}.`)
    .max(MAX_BAN_PAGE_SIZE, `Limit must be 1 to ${MAX_BAN_PAGE_SIZE}.`)
    .optional()
    .default(BAN_PAGE_SIZE),
});

/** The same for GET /api/v1/bans, where an unknown parameter (a typo such as `contry`) is an error, not ignored. */
export const banListApiQuerySchema = z.strictObject(banListQuerySchema.shape);

export type BanListQueryInput = z.input<typeof banListQuerySchema>;
export type BanListQuery = z.output<typeof banListQuerySchema>;

export const UNBAN_FOLLOW_UPS = ["none", "whitelist", "block"] as const;
export type UnbanFollowUp = (typeof UNBAN_FOLLOW_UPS)[number];

/** Unban (and optionally whitelist or block) banned addresses, on chosen nodes or all. */
export const unbanRequestSchema = z
  .strictObject({
    addresses: z
      .array(safeText({ error: "Each address must be text." }), { error: "Choose the addresses to act on." })
      .min(1, "Choose at least one address.")
      .max(MAX_UNBAN_ADDRESSES, `At most ${MAX_UNBAN_ADDRESSES} addresses at once.`),
    nodeIds: z.union([z.literal("all"), z.array(z.uuid({ error: "Each node must be a node id." })).min(1, "Choose at least one node.").max(1_000)], {
      error: "Nodes must be \"all\" or a list of node ids.",
    }),
    jail: jailField.optional(),
    then: z.enum(UNBAN_FOLLOW_UPS, { error: "Then must be none, whitelist or block." }).optional().default("none"),
    comment: commentSchema.optional(),
    expiresAt: z.union([safeText(), z.null()], { error: "Expiry must be an ISO 8601 date-time, or null." }).optional(),
  })
  .transform((input, ctx) => {
    const seen = new Set<string>();
    const addresses: ParsedNetwork[] = [];
    input.addresses.forEach((text, i) => {
      const parsed = parseNetwork(text.trim());
      if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["addresses", i], message: `${text}: ${parsed.error}` });
      else if (parsed.value.prefixLength === 0) ctx.addIssue({ code: "custom", path: ["addresses", i], message: `${text}: a /0 network cannot be unbanned or listed.` });
      else if (!seen.has(parsed.value.canonical)) {
        seen.add(parsed.value.canonical);
        addresses.push(parsed.value);
      }
    });
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt !== "") {
      if (input.then !== "whitelist") ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "An expiry applies to “unban and whitelist” only." });
      const checked = checkExpiry(input.expiresAt, new Date());
      if (!checked.ok) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: checked.error });
      else expiresAt = checked.value;
    }
    return {
      addresses,
      nodeIds: input.nodeIds === "all" ? ("all" as const) : [...new Set(input.nodeIds)],
      jail: input.jail,
      then: input.then,
      comment: input.comment ?? "",
      expiresAt,
    };
  });

export type UnbanRequestInput = z.input<typeof unbanRequestSchema>;
export type UnbanRequest = z.output<typeof unbanRequestSchema>;
