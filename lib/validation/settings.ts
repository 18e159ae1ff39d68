/**
 * The policy settings as users edit them: GeoIP, SIP scanner signatures, SIP rate limits, fail2ban and the
 * platform ports. Built on lib/validation/policy.ts — the compiler re-validates every stored value with those
 * schemas, so the ranges and allow-lists are imported from there, never restated. What is added here is only
 * what a form or an API needs on top: checks that are stricter than the compiler's (never looser), the
 * text-to-number parsing of form fields, PUT completeness and PATCH merging.
 *
 * Scanner signatures are compared case-sensitively, like the rule they become: iptables' string match runs
 * without --icase (lib/rules/render-iptables.ts), so "friendly-scanner" and "Friendly-Scanner" match different
 * packets and may both be listed; only an exact repeat is a duplicate.
 */
import { z } from "zod";

import { AppError } from "@/lib/errors";

import {
  commentSchema,
  fail2banSchema,
  geoIpSchema,
  LIST_LIMITS,
  platformSchema,
  rateLimitSchema,
  signaturePatternSchema,
  SIP_TRANSPORTS,
  type Fail2banPolicy,
  type GeoIpPolicy,
  type PlatformPolicy,
  type RateLimitPolicy,
  type SipTransport,
} from "./policy";

// ---------------------------------------------------------------------------------------------------------
// Settings objects (the API bodies; forms convert their text into these)
// ---------------------------------------------------------------------------------------------------------

/** `{ mode, countries }`: the compiler's schema (OFF, or at least one country). Codes are checked against the dataset by the data layer. */
export const geoIpSettingsSchema = geoIpSchema;
export type GeoIpSettings = GeoIpPolicy;

/**
 * The compiler's rate-limit schema, plus: no SIP port inside the RTP range. Asterisk cannot bind both to one
 * port, so such a setting is always a typo, and the SIP limits would then throttle media.
 */
export const rateLimitSettingsSchema = rateLimitSchema.superRefine((value, ctx) => {
  if (value.rtpPortMin > value.rtpPortMax) return; // already reported
  const inside = value.sipPorts.filter((port) => port >= value.rtpPortMin && port <= value.rtpPortMax);
  if (inside.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `SIP port ${inside.join(", ")} lies inside the RTP range ${value.rtpPortMin}–${value.rtpPortMax}; SIP and media need separate ports.`,
      path: ["sipPorts"],
    });
  }
});
export type RateLimitSettings = RateLimitPolicy;

/**
 * The compiler's fail2ban schema: ranges, repeat offenders banned longer. There is no mail action: ban e-mail
 * comes from the panel's digests (lib/notify), so nodes need neither sendmail nor whois.
 */
export const fail2banSettingsSchema = fail2banSchema;
export type Fail2banSettings = Fail2banPolicy;

/**
 * SSH and web ports (the ports the management-access list keeps open, and the ports WEB_ONLY GeoIP filters).
 * A port in both lists is refused: it would be both "management only" and "web, filtered by country".
 */
export const portsSettingsSchema = platformSchema.superRefine((value, ctx) => {
  const both = value.webPorts.filter((port) => value.sshPorts.includes(port));
  if (both.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `Port ${both.join(", ")} is listed as both an SSH and a web port; each port has one role.`,
      path: ["webPorts"],
    });
  }
});
export type PortsSettings = PlatformPolicy;

// ---------------------------------------------------------------------------------------------------------
// Scanner signatures
// ---------------------------------------------------------------------------------------------------------

const enabledSchema = z.boolean({ error: "Enabled must be true or false." });
const scannerIdSchema = z.uuid({ error: "Signature id must be a UUID." });

/** A new signature (API POST, the add form). */
export const scannerCreateSchema = z.strictObject({
  pattern: signaturePatternSchema,
  enabled: enabledSchema.default(true),
  comment: commentSchema.default(""),
});
export type ScannerCreateInput = z.output<typeof scannerCreateSchema>;

/** Changes to one signature (API PATCH, the edit form, the on/off switch): at least one field. */
export const scannerUpdateSchema = z
  .strictObject({
    pattern: signaturePatternSchema.optional(),
    enabled: enabledSchema.optional(),
    comment: commentSchema.optional(),
  })
  .refine((value) => value.pattern !== undefined || value.enabled !== undefined || value.comment !== undefined, {
    message: "Send at least one of pattern, enabled or comment.",
  });
export type ScannerUpdateInput = z.output<typeof scannerUpdateSchema>;

/**
 * The whole list (API PUT). Items are matched to stored signatures by `id`, or, without an id, by their exact
 * pattern; stored signatures matched by no item are deleted. An omitted comment keeps the stored one.
 */
export const scannerListSchema = z.strictObject({
  signatures: z
    .array(
      z.strictObject({
        id: scannerIdSchema.optional(),
        pattern: signaturePatternSchema,
        enabled: enabledSchema,
        comment: commentSchema.optional(),
      }),
      { error: "Signatures must be a list." },
    )
    .max(LIST_LIMITS.scannerSignatures, `At most ${LIST_LIMITS.scannerSignatures} signatures.`)
    .superRefine((items, ctx) => {
      const patterns = new Map<string, number>();
      const ids = new Set<string>();
      items.forEach((item, index) => {
        const earlier = patterns.get(item.pattern);
        if (earlier !== undefined) {
          ctx.addIssue({ code: "custom", message: `Duplicate signature "${item.pattern}" (also item ${earlier}).`, path: [index, "pattern"] });
        } else {
          patterns.set(item.pattern, index);
        }
        if (item.id !== undefined) {
          if (ids.has(item.id)) ctx.addIssue({ code: "custom", message: "Duplicate id.", path: [index, "id"] });
          ids.add(item.id);
        }
      });
    }),
});
export type ScannerListInput = z.output<typeof scannerListSchema>;

// ---------------------------------------------------------------------------------------------------------
// PUT completeness and PATCH merging
// ---------------------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object behind a schema, unwrapping the refinements zod 4 keeps on the object itself. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : null;
}

/**
 * Dotted paths of the fields a full object must carry that `input` lacks (nested objects included). Empty for
 * input that is not an object at all: the schema's own "expected object" message is clearer there.
 */
export function listMissingFields(schema: z.ZodType, input: unknown, prefix = ""): string[] {
  const shape = objectShape(schema);
  if (shape === null || !isPlainObject(input)) return [];
  const missing: string[] = [];
  for (const [key, child] of Object.entries(shape)) {
    const path = prefix + key;
    if (!(key in input) || input[key] === undefined) {
      if (!child.safeParse(undefined).success) missing.push(path);
      continue;
    }
    missing.push(...listMissingFields(child, input[key], `${path}.`));
  }
  return missing;
}

export const PUT_INCOMPLETE_HINT = "PUT replaces the whole object: send every field, or use PATCH to change only some.";

/** Field errors for the missing fields of a PUT, or null when the body is complete. */
export function describeMissingFields(schema: z.ZodType, input: unknown): { message: string; fieldErrors: Record<string, string[]> } | null {
  const missing = listMissingFields(schema, input);
  if (missing.length === 0) return null;
  const fieldErrors: Record<string, string[]> = {};
  for (const path of missing) fieldErrors[path] = ["Required."];
  return { message: `Missing field${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}. ${PUT_INCOMPLETE_HINT}`, fieldErrors };
}

/** For PUT handlers: a 422 listing every missing field before the schema reports them one by one. */
export function assertCompleteBody(schema: z.ZodType, input: unknown): void {
  const missing = describeMissingFields(schema, input);
  if (missing !== null) throw new AppError("VALIDATION", missing.message, missing.fieldErrors);
}

/**
 * A PATCH body applied to the current value: top-level fields replace the current ones, and a nested object
 * (fail2ban's `recidive`) is merged one level down. Lists are replaced whole. The result still has to
 * pass the full schema, so unknown keys and wrong types are reported as for PUT.
 */
export function applyPatch(schema: z.ZodType, current: Record<string, unknown>, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch; // the schema reports "expected object"
  const shape = objectShape(schema) ?? {};
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const existing = current[key];
    const next = child !== undefined && objectShape(child) !== null && isPlainObject(existing) && isPlainObject(value) ? { ...existing, ...value } : value;
    // defineProperty, not assignment: a "__proto__" key from JSON stays an own (unknown, refused) key instead of
    // replacing the object's prototype and slipping past the strict schema.
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Forms: text fields → settings objects
// ---------------------------------------------------------------------------------------------------------

/**
 * A whole number typed into a form: "" is missing (undefined), decimal digits become a number (a fraction too,
 * so the schema can say "whole number"), anything else is NaN, which the schema reports as "must be a number".
 * Hex, exponents and the like are refused rather than read as something the user did not type.
 */
export function parseIntegerText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text === "") return undefined;
  if (!/^[+-]?\d{1,15}(?:\.\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

/** The items of a port-list field, split on commas and white space. */
export function splitListText(value: string): string[] {
  return value.split(/[\s,;]+/).filter((part) => part.length > 0);
}

function parsePortListText(value: unknown): unknown {
  return typeof value === "string" ? splitListText(value).map(parseIntegerText) : value;
}

function mapFields(input: unknown, convert: Record<string, (value: unknown) => unknown>): unknown {
  if (!isPlainObject(input)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [key, fn] of Object.entries(convert)) if (key in out) out[key] = fn(out[key]);
  return out;
}

const rateLimitNumbers = ["packetsPerSecond", "burst", "registerHits", "registerWindowSeconds", "inviteHits", "inviteWindowSeconds", "rtpPortMin", "rtpPortMax"] as const;

/** Form values of the rate-limit form: numbers as typed, ports as one text field. */
export type RateLimitFormValues = { enabled: boolean; transports: SipTransport[]; sipPorts: string } & Record<(typeof rateLimitNumbers)[number], string>;

export const rateLimitFormSchema = z.preprocess(
  (input) => mapFields(input, { ...Object.fromEntries(rateLimitNumbers.map((key) => [key, parseIntegerText])), sipPorts: parsePortListText }),
  rateLimitSettingsSchema,
);

export function rateLimitToForm(value: RateLimitSettings): RateLimitFormValues {
  return {
    enabled: value.enabled,
    packetsPerSecond: String(value.packetsPerSecond),
    burst: String(value.burst),
    registerHits: String(value.registerHits),
    registerWindowSeconds: String(value.registerWindowSeconds),
    inviteHits: String(value.inviteHits),
    inviteWindowSeconds: String(value.inviteWindowSeconds),
    sipPorts: value.sipPorts.join(", "),
    transports: SIP_TRANSPORTS.filter((t) => value.transports.includes(t)),
    rtpPortMin: String(value.rtpPortMin),
    rtpPortMax: String(value.rtpPortMax),
  };
}

/** Form values of the fail2ban form; a permanent repeat-offender ban is its own checkbox (stored as -1). */
export interface Fail2banFormValues {
  voipJailEnabled: boolean;
  webJailEnabled: boolean;
  maxRetry: string;
  findTimeSeconds: string;
  banTimeSeconds: string;
  recidive: { enabled: boolean; maxRetry: string; findTimeSeconds: string; banTimeSeconds: string; isPermanent: boolean };
}

function fail2banFromForm(input: unknown): unknown {
  const top = mapFields(input, { maxRetry: parseIntegerText, findTimeSeconds: parseIntegerText, banTimeSeconds: parseIntegerText });
  if (!isPlainObject(top)) return top;
  const out: Record<string, unknown> = { ...top };
  if (isPlainObject(top.recidive)) {
    const { isPermanent, ...recidive } = top.recidive;
    const converted = mapFields(recidive, { maxRetry: parseIntegerText, findTimeSeconds: parseIntegerText, banTimeSeconds: parseIntegerText });
    out.recidive = isPermanent === true && isPlainObject(converted) ? { ...converted, banTimeSeconds: -1 } : converted;
  }
  return out;
}

export const fail2banFormSchema = z.preprocess(fail2banFromForm, fail2banSettingsSchema);

export function fail2banToForm(value: Fail2banSettings): Fail2banFormValues {
  const isPermanent = value.recidive.banTimeSeconds === -1;
  return {
    voipJailEnabled: value.voipJailEnabled,
    webJailEnabled: value.webJailEnabled,
    maxRetry: String(value.maxRetry),
    findTimeSeconds: String(value.findTimeSeconds),
    banTimeSeconds: String(value.banTimeSeconds),
    recidive: {
      enabled: value.recidive.enabled,
      maxRetry: String(value.recidive.maxRetry),
      findTimeSeconds: String(value.recidive.findTimeSeconds),
      // A permanent ban leaves the number field with a sensible value for when the box is unticked again.
      banTimeSeconds: String(isPermanent ? 604_800 : value.recidive.banTimeSeconds),
      isPermanent,
    },
  };
}

export interface PortsFormValues {
  sshPorts: string;
  webPorts: string;
}

export const portsFormSchema = z.preprocess(
  (input) => mapFields(input, { sshPorts: parsePortListText, webPorts: parsePortListText }),
  portsSettingsSchema,
);

export function portsToForm(value: PortsSettings): PortsFormValues {
  return { sshPorts: value.sshPorts.join(", "), webPorts: value.webPorts.join(", ") };
}

/**
 * Every field error of a form submission at once. zod skips an object's cross-field refinements (RTP range,
 * repeat-offender ban time) while any field is invalid, which would reveal mistakes one round
 * trip at a time; so the invalid fields are replaced by `fallback` (the stored values, in form representation)
 * and the result parsed again, adding the cross-field errors it finds on fields the user did not get wrong.
 * Null when the input is valid.
 */
export function collectFormErrors(schema: z.ZodType, input: unknown, fallback: Record<string, unknown>): Record<string, string[]> | null {
  const first = schema.safeParse(input);
  if (first.success) return null;
  const errors = issuesToFieldErrors(first.error.issues);
  if (!isPlainObject(input)) return errors;
  const repaired: Record<string, unknown> = structuredClone(input);
  const badPaths = new Set<string>();
  for (const issue of first.error.issues) {
    const [top, second] = issue.path;
    if (typeof top !== "string" || !Object.hasOwn(fallback, top)) continue;
    const nested = repaired[top];
    const fallbackNested = fallback[top];
    if (typeof second === "string" && isPlainObject(nested) && isPlainObject(fallbackNested) && Object.hasOwn(fallbackNested, second)) {
      nested[second] = fallbackNested[second];
      badPaths.add(`${top}.${second}`);
    } else {
      repaired[top] = fallback[top];
      badPaths.add(top);
    }
  }
  const again = schema.safeParse(repaired);
  if (again.success) return errors;
  for (const [key, messages] of Object.entries(issuesToFieldErrors(again.error.issues))) {
    const isOnRepairedField = [...badPaths].some((bad) => key === bad || key.startsWith(`${bad}.`));
    if (!isOnRepairedField && !(key in errors)) errors[key] = messages;
  }
  return errors;
}

function issuesToFieldErrors(issues: z.ZodError["issues"]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Field errors for a form: errors of list items ("sipPorts.1") are folded into their field ("sipPorts") and name
 * the item the user typed, since the form shows the list as one text box.
 */
export function foldListErrors(fieldErrors: Record<string, string[]>, lists: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const match = /^(.+)\.(\d+)$/.exec(key);
    const listText = match ? lists[match[1]!] : undefined;
    if (match && listText !== undefined) {
      const item = splitListText(listText)[Number(match[2])];
      (out[match[1]!] ??= []).push(...messages.map((m) => (item === undefined || m.includes(item) ? m : `"${item}": ${m}`)));
    } else {
      (out[key] ??= []).push(...messages);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------------------

const DURATION_UNITS = [
  { seconds: 86_400 * 365, one: "year", many: "years" },
  { seconds: 86_400 * 7, one: "week", many: "weeks" },
  { seconds: 86_400, one: "day", many: "days" },
  { seconds: 3_600, one: "hour", many: "hours" },
  { seconds: 60, one: "minute", many: "minutes" },
  { seconds: 1, one: "second", many: "seconds" },
] as const;

/** A number of seconds in words, at most two units ("1 hour 30 minutes", "7 days"); -1 is "permanent". */
export function describeSeconds(seconds: number): string {
  if (seconds === -1) return "permanent";
  if (!Number.isInteger(seconds) || seconds < 0) return "";
  if (seconds === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = seconds;
  for (const unit of DURATION_UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / unit.seconds);
    if (count > 0) {
      parts.push(`${count.toLocaleString("en-US")} ${count === 1 ? unit.one : unit.many}`);
      rest -= count * unit.seconds;
    } else if (parts.length > 0) {
      break; // "1 day 0 hours 5 minutes" would read worse than "1 day"
    }
  }
  return parts.join(" ");
}

/** "1–10,000": a range as a form hint shows it. */
export function describeRange(range: { min: number; max: number }): string {
  return `${range.min.toLocaleString("en-US")}–${range.max.toLocaleString("en-US")}`;
}

// ---------------------------------------------------------------------------------------------------------
// Auto-whitelist of registered phones (platform_settings.auto_whitelist_*)
// ---------------------------------------------------------------------------------------------------------

/** How long an auto-whitelist entry lives after the phone's last successful registration: a minute to 30 days. */
export const AUTO_WHITELIST_TTL = { min: 60, max: 30 * 86_400, default: 86_400 } as const;

const autoWhitelistTtlSchema = z
  .number({ error: "Enter the time to live in seconds." })
  .int("Enter a whole number of seconds.")
  .min(AUTO_WHITELIST_TTL.min, `The time to live is at least ${AUTO_WHITELIST_TTL.min} seconds (1 minute).`)
  .max(AUTO_WHITELIST_TTL.max, `The time to live is at most ${AUTO_WHITELIST_TTL.max.toLocaleString("en-US")} seconds (30 days).`);

/**
 * `PUT /api/v1/settings/auto-whitelist`: whether addresses that registered successfully become SIP-scoped
 * whitelist entries, and for how long after the last registration. Both fields, or either one (the other stays).
 */
export const autoWhitelistSettingsSchema = z
  .strictObject({
    isEnabled: z.boolean({ error: "isEnabled must be true or false." }).optional(),
    ttlSeconds: autoWhitelistTtlSchema.optional(),
  })
  .refine((value) => value.isEnabled !== undefined || value.ttlSeconds !== undefined, "Send isEnabled, ttlSeconds or both.");

export type AutoWhitelistSettingsInput = z.output<typeof autoWhitelistSettingsSchema>;

/** The dashboard form: a checkbox ("on" when ticked) and the TTL as text. */
export const autoWhitelistFormSchema = z.preprocess(
  (value) => {
    const form = (value ?? {}) as { isEnabled?: unknown; ttlSeconds?: unknown };
    return { isEnabled: form.isEnabled === true || form.isEnabled === "on", ttlSeconds: parseIntegerText(form.ttlSeconds) };
  },
  z.strictObject({ isEnabled: z.boolean(), ttlSeconds: autoWhitelistTtlSchema }),
);

// ---------------------------------------------------------------------------------------------------------
// Tenant networks (platform_settings.tenant_min_prefix4 / tenant_min_prefix6)
// ---------------------------------------------------------------------------------------------------------

/**
 * The shortest prefix a tenant administrator may store, per family (the database CHECK holds the same bounds).
 * The lower bounds are where lib/net starts calling a network over-broad (/8, /32) or just above it.
 */
export const TENANT_MIN_PREFIX_LIMITS = {
  minPrefix4: { min: 8, max: 32, default: 24 },
  minPrefix6: { min: 16, max: 128, default: 48 },
} as const;

const minPrefixSchema = (family: 4 | 6) => {
  const range = family === 4 ? TENANT_MIN_PREFIX_LIMITS.minPrefix4 : TENANT_MIN_PREFIX_LIMITS.minPrefix6;
  const what = `The IPv${family} minimum prefix`;
  return z
    .number({ error: `${what} must be a number.` })
    .int(`${what} must be a whole number.`)
    .min(range.min, `${what} must be /${range.min} to /${range.max}.`)
    .max(range.max, `${what} must be /${range.min} to /${range.max}.`);
};

/**
 * `PUT /api/v1/settings/tenant-networks`: the shortest IPv4 and IPv6 prefix a tenant administrator may store as
 * one of the tenant's networks (/24 and /48 by default). Administrators and operators are not bound by it.
 */
export const tenantNetworkSettingsSchema = z.strictObject({ minPrefix4: minPrefixSchema(4), minPrefix6: minPrefixSchema(6) });
export type TenantNetworkSettings = z.output<typeof tenantNetworkSettingsSchema>;

/** The Tenants page form: the two prefixes as typed ("/24" and "24" alike). */
export const tenantNetworkSettingsFormSchema = z.preprocess(
  (input) =>
    mapFields(input, {
      minPrefix4: (value) => parseIntegerText(typeof value === "string" ? value.trim().replace(/^\//, "") : value),
      minPrefix6: (value) => parseIntegerText(typeof value === "string" ? value.trim().replace(/^\//, "") : value),
    }),
  tenantNetworkSettingsSchema,
);
