/**
 * Tenants: the zod schemas shared by the tenant forms, server actions and the REST API, and the keyset
 * pagination query (`?limit=&cursor=`) the tenant and call-limit lists use.
 */
import { z } from "zod";

import type { ParsedNetwork } from "@/lib/net/parse";
import { describeShare } from "@/lib/validation/address-entry";
import { optionalAccountCodeSchema } from "@/lib/validation/call-guard";
import { tenantNameSchema } from "@/lib/validation/policy";
import type { TenantNetworkSettings } from "@/lib/validation/settings";
import { decodeBase64Url, encodeBase64Url } from "./cursor-codec";
import { safeText } from "@/lib/validation/text";

export const TENANT_DESCRIPTION_MAX_LENGTH = 1_000;

/** The policy's tenant name (bounded, no control characters), with surrounding spaces removed first. */
export const tenantNameInputSchema = safeText({ error: "Tenant name must be text." }).trim().pipe(tenantNameSchema);

/** Free text shown only in the panel: line breaks and tabs allowed, other control and invisible characters not. */
export const tenantDescriptionSchema = safeText({ error: "Description must be text.", isMultiline: true })
  .transform((text) => text.replace(/\r\n?/g, "\n").trim())
  .pipe(
    z
      .string()
      .max(TENANT_DESCRIPTION_MAX_LENGTH, `Description is too long: at most ${TENANT_DESCRIPTION_MAX_LENGTH} characters.`)
      .regex(/^(?:[\n\t]|[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}])*$/u, "Description must not contain control or invisible characters."),
  );

const autoWhitelistSchema = z.boolean({ error: "autoWhitelistRestrictions must be true or false." });

export const tenantCreateSchema = z.strictObject({
  name: tenantNameInputSchema,
  description: tenantDescriptionSchema.default(""),
  autoWhitelistRestrictions: autoWhitelistSchema.default(false),
  /** The Asterisk accountcode of the tenant's endpoints: how the call guard and the call records know its calls. */
  accountCode: optionalAccountCodeSchema.default(null),
});
export type TenantCreateInput = z.input<typeof tenantCreateSchema>;
export type TenantCreate = z.output<typeof tenantCreateSchema>;

export const tenantUpdateSchema = z
  .strictObject({
    name: tenantNameInputSchema.optional(),
    description: tenantDescriptionSchema.optional(),
    autoWhitelistRestrictions: autoWhitelistSchema.optional(),
    /** null or "" clears it: the guard then enforces none of the tenant's limits. */
    accountCode: optionalAccountCodeSchema.optional(),
  })
  .refine(
    (value) => Object.values(value).some((v) => v !== undefined),
    "Send at least one of name, description, autoWhitelistRestrictions, accountCode.",
  );
export type TenantUpdate = z.output<typeof tenantUpdateSchema>;

export const tenantIdSchema = z.uuid({ error: "Tenant id must be a UUID." });

// ---------------------------------------------------------------------------------------------------------
// Tenant networks written by a tenant administrator
// ---------------------------------------------------------------------------------------------------------

/**
 * Why a tenant administrator may not store this network at all (its prefix is shorter than the administrator's
 * minimum for its family), or null. Administrators and operators are not bound by the minimum.
 */
export function checkTenantAdminPrefix(network: ParsedNetwork, minimums: TenantNetworkSettings): string | null {
  const minimum = network.family === 4 ? minimums.minPrefix4 : minimums.minPrefix6;
  if (network.prefixLength >= minimum) return null;
  return (
    `${network.canonical} is wider than a tenant administrator may store: IPv${network.family} networks must be /${minimum} or narrower ` +
    `(the minimum an administrator set on the Tenants page). Add the /${minimum} networks you use, or ask an administrator to add this one.`
  );
}

/** The pending reason of a network overlapping another tenant's network in force: "overlaps ACME's 198.51.100.0/24". */
export function overlapReason(otherTenant: string, otherNetwork: string): string {
  return `${OVERLAP_PREFIX}${otherTenant}'s ${otherNetwork}`;
}

/** The pending reason of an over-broad network (lib/net's isOverBroad) a tenant administrator stored, or null. */
export function overBroadReason(network: ParsedNetwork): string | null {
  return network.isOverBroad ? `is over-broad (${describeShare(network)})` : null;
}

const OVERLAP_PREFIX = "overlaps ";

/**
 * A pending reason as a tenant administrator reads it: which other tenant, and which of its networks, stays
 * hidden (otherwise storing networks would be a way to probe other tenants' offices). Administrators read it whole.
 */
export function pendingReasonForTenantAdmin(reason: string): string {
  return reason.startsWith(OVERLAP_PREFIX) ? "overlaps another tenant's network" : reason;
}

/** What the panel shows next to a pending network. */
export function pendingBadgeText(reason: string): string {
  return `Waiting for approval: ${reason}`;
}

// ---------------------------------------------------------------------------------------------------------
// Keyset pagination
// ---------------------------------------------------------------------------------------------------------

export const PAGE_LIMITS = { default: 50, max: 200 } as const;
const MAX_CURSOR_KEY_LENGTH = 1_000;

/** An opaque cursor for the last key of a page. */
export function encodeCursor(key: string): string {
  return encodeBase64Url(key);
}

/** The key inside a cursor, or null when it is not one this module made. */
export function decodeCursor(cursor: string): string | null {
  const key = decodeBase64Url(cursor, 1400);
  // PostgreSQL text cannot hold NUL: a key with one would fail in the database instead of here.
  if (key === null || key.length === 0 || key.length > MAX_CURSOR_KEY_LENGTH || key.includes("\u0000")) return null;
  return key;
}

/** `?limit=&cursor=` → `{ limit, after }` where `after` is the last key of the previous page. */
export const pageQuerySchema = z.strictObject({
  limit: safeText()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return PAGE_LIMITS.default;
      if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > PAGE_LIMITS.max) {
        ctx.addIssue({ code: "custom", message: `limit must be a whole number from 1 to ${PAGE_LIMITS.max}.` });
        return z.NEVER;
      }
      return Number(text);
    }),
  cursor: safeText()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return undefined;
      const key = decodeCursor(text);
      if (key === null) {
        ctx.addIssue({ code: "custom", message: "cursor is not valid: pass the nextCursor of the previous page unchanged." });
        return z.NEVER;
      }
      return key;
    }),
});

export interface PageQuery {
  limit: number;
  /** The last key of the previous page (decoded cursor). */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Query parameters of a request as a plain object (the last value of a repeated name wins). */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}

/** A text field of a submitted form (undefined when absent or a file, so the schema reports it). */
export function formText(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

/** A checkbox of a submitted form: browsers send "on" when it is ticked and nothing otherwise. */
export function formCheckbox(formData: FormData, name: string): boolean {
  return formData.get(name) === "on";
}
