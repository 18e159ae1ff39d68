/**
 * Call-cost limits: money amounts, currencies, extensions, route prefixes and abuse-detection settings, shared by
 * forms, server actions, the REST API and (later) the enforcement code.
 *
 * Money never passes through a JavaScript number: amounts are decimal strings from the first keystroke to the
 * database (the data layer turns them into Prisma.Decimal, PostgreSQL stores DECIMAL(14,4)), so 0.1 + 0.2 never
 * becomes 0.30000000000000004 on anybody's invoice. This module stays free of Prisma so client forms can import it.
 */
import { z } from "zod";
import { safeText } from "@/lib/validation/text";

// ---------------------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------------------

/** DECIMAL(14,4): at most 10 digits before the point and 4 after. */
export const MONEY_PATTERN = /^\d{1,10}(\.\d{1,4})?$/;
export const MONEY_HINT = "A decimal amount such as 25 or 12.50, at most 4 decimal places.";

/** "0012.5000" → "12.5": one spelling per amount, so comparisons and audit records are stable. */
export function normalizeDecimalString(text: string): string {
  const [whole = "0", fraction = ""] = text.split(".");
  const integer = whole.replace(/^0+(?=\d)/, "");
  const decimals = fraction.replace(/0+$/, "");
  return decimals ? `${integer}.${decimals}` : integer;
}

/** Compares two non-negative decimal strings exactly (no floating point): -1, 0 or 1. */
export function compareDecimalStrings(a: string, b: string): -1 | 0 | 1 {
  const [aWhole = "0", aFraction = ""] = normalizeDecimalString(a).split(".");
  const [bWhole = "0", bFraction = ""] = normalizeDecimalString(b).split(".");
  if (aWhole.length !== bWhole.length) return aWhole.length < bWhole.length ? -1 : 1;
  const width = Math.max(aFraction.length, bFraction.length);
  const left = aWhole + aFraction.padEnd(width, "0");
  const right = bWhole + bFraction.padEnd(width, "0");
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * An amount as a decimal string. JSON numbers are refused on purpose: a float has already lost the exact value
 * by the time it arrives (and 1e21 is not an amount anybody typed).
 */
export function moneySchema(what: string) {
  return safeText({ error: `${what} must be a decimal string such as "12.50" (not a JSON number).` })
    .trim()
    .superRefine((text, ctx) => {
      const message = checkMoneyText(text, what);
      if (message !== null) ctx.addIssue({ code: "custom", message });
    })
    .transform(normalizeDecimalString);
}

/** The one message that explains what is wrong with an amount, or null. */
export function checkMoneyText(text: string, what: string): string | null {
  if (MONEY_PATTERN.test(text)) return null;
  if (text === "") return `${what} is required.`;
  if (text.startsWith("-")) return `${what} cannot be negative.`;
  if (text.includes(",")) return `${what}: use a point as the decimal separator, without thousands separators.`;
  if (/^\d{11,}(\.\d*)?$/.test(text)) return `${what} is too large: at most 10 digits before the decimal point.`;
  if (/^\d+\.\d{5,}$/.test(text)) return `${what} has too many decimal places: at most 4.`;
  return `${what} must be a decimal amount such as 25 or 12.50.`;
}

/** An optional limit: empty text, null or absence mean "no limit". */
export function optionalMoneySchema(what: string) {
  return z.preprocess(
    (value) => (value === undefined || (typeof value === "string" && value.trim() === "") ? null : value),
    moneySchema(what).nullable(),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Currency
// ---------------------------------------------------------------------------------------------------------

/** ISO 4217 codes the runtime knows (and can therefore format), upper case, sorted. */
export const CURRENCY_CODES: readonly string[] = Intl.supportedValuesOf("currency");
const currencySet = new Set(CURRENCY_CODES);

export const DEFAULT_CURRENCY = "EUR";

export const currencySchema = safeText({ error: "Currency must be a three-letter ISO 4217 code such as EUR." })
  .trim()
  .toUpperCase()
  .superRefine((code, ctx) => {
    if (!/^[A-Z]{3}$/.test(code)) ctx.addIssue({ code: "custom", message: "Currency must be a three-letter ISO 4217 code such as EUR." });
    else if (!currencySet.has(code)) ctx.addIssue({ code: "custom", message: `Unknown currency ${code}: use an ISO 4217 code such as EUR, USD or GBP.` });
  });

/**
 * "€12.50" from a decimal string: Intl.NumberFormat formats string input exactly (ES2023), so no float is made.
 * Amounts keep up to 4 decimal places (the precision stored) and at least the currency's usual number.
 */
export function formatMoney(amount: string, currency: string, locale = "en"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 4 }).format(
      amount as `${number}`,
    );
  } catch {
    return `${amount} ${currency}`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Extensions, routes, abuse detection
// ---------------------------------------------------------------------------------------------------------

export const EXTENSION_MAX_LENGTH = 40;
/** What Asterisk dials as an extension: digits, letters, * # + and the separators . - _ (not as the first character). */
export const EXTENSION_PATTERN = /^[A-Za-z0-9*#+][A-Za-z0-9*#+._-]*$/;

export const extensionSchema = safeText({ error: "Extension must be text." })
  .trim()
  .superRefine((text, ctx) => {
    const message =
      text === ""
        ? "Extension is required."
        : text.length > EXTENSION_MAX_LENGTH
          ? `Extension is too long: at most ${EXTENSION_MAX_LENGTH} characters.`
          : text.startsWith("_")
            ? "An extension starting with _ is an Asterisk dial pattern; enter the extension itself, such as 101."
            : EXTENSION_PATTERN.test(text)
              ? null
              : "Extension may contain digits, letters and * # + . - _ only, such as 101 or 2001.";
    if (message !== null) ctx.addIssue({ code: "custom", message });
  });

export const ROUTE_PREFIX_PATTERN = /^\+?\d{1,15}$/;

export const routePrefixSchema = safeText({ error: "Prefix must be text." })
  .trim()
  .superRefine((text, ctx) => {
    const message =
      text === ""
        ? "Prefix is required."
        : ROUTE_PREFIX_PATTERN.test(text)
          ? null
          : "Prefix must be 1 to 15 digits, optionally after a leading +, such as 00881 or +44 (no spaces or dashes).";
    if (message !== null) ctx.addIssue({ code: "custom", message });
  });

export const routeNameSchema = safeText({ error: "Name must be text." })
  .trim()
  .superRefine((text, ctx) => {
    const message =
      text === ""
        ? "Name is required."
        : text.length > 100
          ? "Name is too long: at most 100 characters."
          : /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u.test(text)
            ? null
            : "Name must not contain control or invisible characters.";
    if (message !== null) ctx.addIssue({ code: "custom", message });
  });

export const ABUSE_RANGES = {
  maxCallsSameNumber: { min: 1, max: 1_000 },
  windowSeconds: { min: 10, max: 86_400, default: 300 },
} as const;

const intIn = (range: { min: number; max: number }, what: string, unit: string) =>
  z
    .number({ error: `${what} must be a whole number.` })
    .int(`${what} must be a whole number.`)
    .min(range.min, `${what} must be ${range.min} to ${range.max} ${unit}.`)
    .max(range.max, `${what} must be ${range.min} to ${range.max} ${unit}.`);

// ---------------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------------

export const extensionLimitCreateSchema = z.strictObject({
  extension: extensionSchema,
  dailyLimit: moneySchema("Daily limit"),
  currency: currencySchema,
});
export type ExtensionLimitCreateInput = z.input<typeof extensionLimitCreateSchema>;
export type ExtensionLimitCreate = z.output<typeof extensionLimitCreateSchema>;

export const extensionLimitUpdateSchema = extensionLimitCreateSchema.partial().refine(
  (value) => Object.values(value).some((v) => v !== undefined),
  "Send at least one of extension, dailyLimit, currency.",
);
export type ExtensionLimitUpdate = z.output<typeof extensionLimitUpdateSchema>;

/** Per-tenant ceilings; a missing or empty limit means "no limit". The monthly one cannot be below the daily one. */
export const tenantCallLimitSchema = z
  .strictObject({
    dailyLimit: optionalMoneySchema("Daily limit"),
    monthlyLimit: optionalMoneySchema("Monthly limit"),
    currency: currencySchema,
  })
  .superRefine((value, ctx) => {
    if (value.dailyLimit !== null && value.monthlyLimit !== null && compareDecimalStrings(value.monthlyLimit, value.dailyLimit) < 0) {
      ctx.addIssue({ code: "custom", path: ["monthlyLimit"], message: "The monthly limit cannot be lower than the daily limit." });
    }
  });
export type TenantCallLimitInput = z.input<typeof tenantCallLimitSchema>;
export type TenantCallLimit = z.output<typeof tenantCallLimitSchema>;

export const routeCostLimitCreateSchema = z.strictObject({
  name: routeNameSchema,
  prefix: routePrefixSchema,
  maxCostPerMinute: moneySchema("Maximum cost per minute"),
  currency: currencySchema,
});
export type RouteCostLimitCreate = z.output<typeof routeCostLimitCreateSchema>;

export const routeCostLimitUpdateSchema = routeCostLimitCreateSchema.partial().refine(
  (value) => Object.values(value).some((v) => v !== undefined),
  "Send at least one of name, prefix, maxCostPerMinute, currency.",
);
export type RouteCostLimitUpdate = z.output<typeof routeCostLimitUpdateSchema>;

export const abuseDetectionSchema = z.strictObject({
  enabled: z.boolean({ error: "Enabled must be true or false." }),
  maxCallsSameNumber: intIn(ABUSE_RANGES.maxCallsSameNumber, "Maximum calls", "calls"),
  windowSeconds: intIn(ABUSE_RANGES.windowSeconds, "Window", "seconds").default(ABUSE_RANGES.windowSeconds.default),
});
export type AbuseDetectionInput = z.input<typeof abuseDetectionSchema>;
export type AbuseDetection = z.output<typeof abuseDetectionSchema>;

/**
 * A whole number typed into a form: digits become a number, an empty field becomes undefined (so the schema says
 * "required"), anything else stays text so the schema's "must be a whole number" applies.
 */
export function formInteger(value: FormDataEntryValue | null): number | string | undefined {
  if (value === null) return undefined;
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

export interface CurrencyOption {
  code: string;
  name: string;
}

/** Every supported currency with its English name, for a select (build it on the server and pass it down). */
export function listCurrencyOptions(locale = "en"): CurrencyOption[] {
  const names = new Intl.DisplayNames([locale], { type: "currency" });
  return CURRENCY_CODES.map((code) => ({ code, name: names.of(code) ?? code }));
}
