/**
 * Route rates: destination prefixes, descriptions, billing increments, dialled numbers and durations, shared by
 * the rate CSV import, the price look-up of the dashboard, the REST API and the CLI.
 *
 * Rates price calls for the dashboard, the reports and the call guard, which enforces the call limits with them once
 * it is enabled and pushed. Amounts use the call limits' money rules
 * (decimal strings, never a JavaScript number) and are in the route's currency. Free of Prisma, so client
 * components can import it.
 */
import { z } from "zod";
import { checkMoneyText, normalizeDecimalString } from "@/lib/validation/call-limits";
import { safeText } from "@/lib/validation/text";

/** What every page, API answer and CLI output says about what rates decide on the nodes. */
export const RATES_ENFORCEMENT =
  "Rates price every call of the route for the call guard: once the guard is enabled and pushed, a node refuses a call no rate prices or whose rate is above the route's maximum cost per minute, and caps a call to the budgets left. While the guard is off they only price calls and reports.";

// ---------------------------------------------------------------------------------------------------------
// Prefixes, descriptions, increments
// ---------------------------------------------------------------------------------------------------------

export const RATE_PREFIX_MAX_LENGTH = 20;
export const RATE_PREFIX_PATTERN = /^\+?\d{1,20}$/;
export const RATE_DESCRIPTION_MAX_LENGTH = 200;
export const INCREMENT_RANGE = { min: 1, max: 3600 } as const;
export const INCREMENT_HINT = 'Billing increment as first/next seconds, such as 60/60, 1/1 or 30/6 (each 1 to 3600).';

/** The one message that explains what is wrong with a destination prefix, or null. */
export function checkRatePrefix(text: string): string | null {
  if (text === "") return "Prefix is required.";
  if (RATE_PREFIX_PATTERN.test(text)) return null;
  if (/^\+?\d{21,}$/.test(text)) return `Prefix is too long: at most ${RATE_PREFIX_MAX_LENGTH} digits.`;
  return `Prefix must be 1 to ${RATE_PREFIX_MAX_LENGTH} digits, optionally after a leading +, such as 44 or +4420 (no spaces or dashes).`;
}

/** "+4420" → "4420": the + of international notation says nothing a stored prefix needs. */
export function normalizeRatePrefix(text: string): string {
  return text.startsWith("+") ? text.slice(1) : text;
}

export const ratePrefixSchema = safeText({ error: "Prefix must be text." })
  .trim()
  .superRefine((text, ctx) => {
    const message = checkRatePrefix(text);
    if (message !== null) ctx.addIssue({ code: "custom", message });
  })
  .transform(normalizeRatePrefix);

export function checkRateDescription(text: string): string | null {
  if (text.length > RATE_DESCRIPTION_MAX_LENGTH) return `Description is too long: at most ${RATE_DESCRIPTION_MAX_LENGTH} characters.`;
  if (!/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u.test(text)) return "Description must not contain control or invisible characters.";
  return null;
}

export interface Increment {
  /** Seconds billed for the start of a call. */
  first: number;
  /** Seconds of each further step. */
  next: number;
}

export type IncrementResult = { ok: true; value: Increment } | { ok: false; error: string };

/** "30/6" → { first: 30, next: 6 }; a single number ("60") means first and next alike. */
export function parseIncrement(text: string): IncrementResult {
  const match = /^(\d{1,9})(?:\/(\d{1,9}))?$/.exec(text.replace(/\s+/g, ""));
  if (text.trim() === "") return { ok: false, error: `Increment is required. ${INCREMENT_HINT}` };
  if (!match) return { ok: false, error: `Increment "${text}" is not first/next seconds. ${INCREMENT_HINT}` };
  const first = Number(match[1]);
  const next = match[2] === undefined ? first : Number(match[2]);
  for (const [what, value] of [["first", first], ["next", next]] as const) {
    if (value < INCREMENT_RANGE.min || value > INCREMENT_RANGE.max) {
      return { ok: false, error: `The ${what} increment must be ${INCREMENT_RANGE.min} to ${INCREMENT_RANGE.max} seconds (got ${value}).` };
    }
  }
  return { ok: true, value: { first, next } };
}

/** { first: 30, next: 6 } → "30/6", the spelling of the CSV and of every answer. */
export function formatIncrement(increment: Increment): string {
  return `${increment.first}/${increment.next}`;
}

// ---------------------------------------------------------------------------------------------------------
// One rate
// ---------------------------------------------------------------------------------------------------------

export interface RateInput {
  prefix: string;
  description: string;
  costPerMinute: string;
  firstIncrement: number;
  nextIncrement: number;
  connectionFee: string;
}

/** The fields of one rate as text (a CSV line, a form). */
export interface RateFields {
  prefix: string;
  description: string;
  costPerMinute: string;
  increment: string;
  /** Empty: no connection fee. */
  connectionFee: string;
}

export type RateCheck = { ok: true; value: RateInput } | { ok: false; field: keyof RateFields; error: string };

/** Checks one rate's fields in column order and answers the first problem, or the normalised rate. */
export function checkRateFields(fields: RateFields): RateCheck {
  const prefixError = checkRatePrefix(fields.prefix);
  if (prefixError !== null) return { ok: false, field: "prefix", error: prefixError };
  const descriptionError = checkRateDescription(fields.description);
  if (descriptionError !== null) return { ok: false, field: "description", error: descriptionError };
  const costError = checkMoneyText(fields.costPerMinute, "Cost per minute");
  if (costError !== null) return { ok: false, field: "costPerMinute", error: costError };
  const increment = parseIncrement(fields.increment);
  if (!increment.ok) return { ok: false, field: "increment", error: increment.error };
  const fee = fields.connectionFee === "" ? "0" : fields.connectionFee;
  const feeError = checkMoneyText(fee, "Connection fee");
  if (feeError !== null) return { ok: false, field: "connectionFee", error: feeError };
  return {
    ok: true,
    value: {
      prefix: normalizeRatePrefix(fields.prefix),
      description: fields.description,
      costPerMinute: normalizeDecimalString(fields.costPerMinute),
      firstIncrement: increment.value.first,
      nextIncrement: increment.value.next,
      connectionFee: normalizeDecimalString(fee),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Import limits and options
// ---------------------------------------------------------------------------------------------------------

/** Largest rate file one import takes, in bytes of UTF-8 (a carrier's whole deck is far smaller). */
export const MAX_RATE_IMPORT_BYTES = 4 * 1024 * 1024;
/** Most lines one rate file may have (and so most rates one route holds). */
export const MAX_RATE_LINES = 50_000;
export const RATE_IMPORT_TOO_LARGE_MESSAGE = `The rate file is too large: at most ${MAX_RATE_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_RATE_LINES.toLocaleString("en-US")} lines; split the route.`;

const booleanText = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "Use true or false." })
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** Query of a rate import: `?dryRun=true` checks every line and stores nothing. */
export const rateImportQuerySchema = z.strictObject({ dryRun: booleanText });

/** JSON body of a rate import: the CSV text itself, plus the same option. */
export const rateImportBodySchema = z.strictObject({
  text: z.string({ error: "text must be the CSV as a string." }),
  dryRun: z.boolean({ error: "dryRun must be true or false." }).optional().default(false),
});

// ---------------------------------------------------------------------------------------------------------
// Pricing a number
// ---------------------------------------------------------------------------------------------------------

export const DIALLED_NUMBER_MAX_LENGTH = 32;
export const DEFAULT_PRICE_DURATION_SECONDS = 60;
export const MAX_PRICE_DURATION_SECONDS = 86_400;

/** A dialled number to price: digits, optionally after +, which is removed. The number is priced as given. */
export const dialledNumberSchema = safeText({ error: "Number must be text." })
  .trim()
  .superRefine((text, ctx) => {
    const message =
      text === ""
        ? "Number is required."
        : new RegExp(`^\\+?\\d{1,${DIALLED_NUMBER_MAX_LENGTH}}$`).test(text)
          ? null
          : `Number must be 1 to ${DIALLED_NUMBER_MAX_LENGTH} digits, optionally after +, such as 442071234567 (no spaces or dashes).`;
    if (message !== null) ctx.addIssue({ code: "custom", message });
  })
  .transform(normalizeRatePrefix);

/** Call length in whole seconds as text (query string, form, CLI); empty means the default minute. */
export const durationTextSchema = safeText({ error: "Duration must be text." })
  .trim()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text === "") return DEFAULT_PRICE_DURATION_SECONDS;
    if (!/^\d{1,6}$/.test(text) || Number(text) > MAX_PRICE_DURATION_SECONDS) {
      ctx.addIssue({ code: "custom", message: `Duration must be a whole number of seconds from 0 to ${MAX_PRICE_DURATION_SECONDS}.` });
      return z.NEVER;
    }
    return Number(text);
  });

/** `?number=&duration=` of a price look-up (and the same fields of the dashboard's form). */
export const priceQuerySchema = z.strictObject({
  number: dialledNumberSchema,
  duration: durationTextSchema,
});
export type PriceQuery = z.output<typeof priceQuerySchema>;
