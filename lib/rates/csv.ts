/**
 * A route's rate table as CSV: `prefix,description,cost_per_minute,increment,connection_fee`, read with the address
 * lists' strict RFC 4180 line reader and written with its one formula-protecting serializer (lib/lists/csv).
 *
 * Reading is pure and deterministic and never throws on bad input: every line is a rate, a rejection with its
 * reason, or skipped (blank, "#" comment, the header). A header is optional; with one, columns are found by name.
 * An export re-imports unchanged. Rates price calls for reports and for the call guard.
 */
import { parseCsvLine, toCsvRow, unprotectCell } from "@/lib/lists/csv";
import { MAX_LINE_LENGTH, MAX_SHOWN_TEXT, splitLines, type RejectedLine } from "@/lib/lists/import-parse";
import { findUnsafeCharacter, replaceUnsafeCharacters } from "@/lib/validation/text";
import {
  checkRateFields,
  formatIncrement,
  MAX_RATE_IMPORT_BYTES,
  MAX_RATE_LINES,
  RATE_IMPORT_TOO_LARGE_MESSAGE,
  type RateFields,
  type RateInput,
} from "@/lib/validation/rates";

export const RATE_COLUMNS = ["prefix", "description", "cost_per_minute", "increment", "connection_fee"] as const;

export interface ParsedRate extends RateInput {
  /** 1-based line number in the file. */
  line: number;
}

export interface ParsedRateFile {
  /** Lines in the input (a final line break does not start another). */
  lines: number;
  /** Blank lines, "#" comment lines and the header. */
  skipped: number;
  rates: ParsedRate[];
  rejected: RejectedLine[];
}

/** Column of each field; -1 when a header leaves it out (description and connection fee may be left out). */
type Columns = Record<keyof RateFields, number> & { minFields: number; maxFields: number };

const POSITIONAL: Columns = { prefix: 0, description: 1, costPerMinute: 2, increment: 3, connectionFee: 4, minFields: 4, maxFields: 5 };
const HEADER_NAMES: Record<keyof RateFields, readonly string[]> = {
  prefix: ["prefix", "destination", "dial_prefix"],
  description: ["description", "destination_name", "name"],
  costPerMinute: ["cost_per_minute", "rate", "cost", "price_per_minute"],
  increment: ["increment", "billing_increment"],
  connectionFee: ["connection_fee", "setup_fee", "connection"],
};
const FIELD_COLUMN: Record<keyof RateFields, string> = {
  prefix: "prefix",
  description: "description",
  costPerMinute: "cost_per_minute",
  increment: "increment",
  connectionFee: "connection_fee",
};

/** Why the file as a whole is refused before any line is read (too large, too many lines), or null. */
export function checkRateFileSize(text: string): string | null {
  // A string's UTF-16 length is never more than its UTF-8 size: most files are decided without encoding them.
  if (text.length > MAX_RATE_IMPORT_BYTES || new TextEncoder().encode(text).length > MAX_RATE_IMPORT_BYTES) return RATE_IMPORT_TOO_LARGE_MESSAGE;
  let lines = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) if (++lines > MAX_RATE_LINES) return RATE_IMPORT_TOO_LARGE_MESSAGE;
  return null;
}

function shown(text: string): string {
  const safe = replaceUnsafeCharacters(text, { isMultiline: true });
  return safe.length > MAX_SHOWN_TEXT ? `${safe.slice(0, MAX_SHOWN_TEXT)}…` : safe;
}

function trimField(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, "");
}

function headerColumns(fields: readonly string[]): Columns | null {
  const names = fields.map((f) => trimField(f).toLowerCase().replace(/[ -]/g, "_"));
  if (!HEADER_NAMES.prefix.includes(names[0] ?? "")) return null;
  const find = (key: keyof RateFields) => names.findIndex((n) => HEADER_NAMES[key].includes(n));
  return {
    prefix: 0,
    description: find("description"),
    costPerMinute: find("costPerMinute"),
    increment: find("increment"),
    connectionFee: find("connectionFee"),
    minFields: 1,
    maxFields: fields.length,
  };
}

/** Every line of a rate CSV as a rate or a rejection; a prefix given twice is refused on its second line. */
export function parseRateCsv(text: string): ParsedRateFile {
  const lines = splitLines(text);
  const result: ParsedRateFile = { lines: lines.length, skipped: 0, rates: [], rejected: [] };
  const seen = new Map<string, number>();
  let columns: Columns | null = null;

  lines.forEach((raw, index) => {
    const line = index + 1;
    const reject = (reason: string) => result.rejected.push({ line, text: shown(raw), reason });
    if (raw.length > MAX_LINE_LENGTH) return reject(`The line is too long (${raw.length} characters); the limit is ${MAX_LINE_LENGTH}.`);
    const unsafe = findUnsafeCharacter(raw, { isMultiline: true });
    if (unsafe !== null) return reject(`The line holds ${unsafe}.`);
    const trimmed = trimField(raw);
    if (trimmed === "" || trimmed.startsWith("#")) {
      result.skipped++;
      return;
    }
    const parsed = parseCsvLine(trimmed);
    if (!parsed.ok) return reject(parsed.error);
    if (columns === null) {
      columns = headerColumns(parsed.fields);
      if (columns !== null) {
        const missing = (["costPerMinute", "increment"] as const).filter((key) => columns![key] < 0);
        if (missing.length > 0) {
          columns = null;
          return reject(`The header has no ${missing.map((key) => FIELD_COLUMN[key]).join(" or ")} column: use ${RATE_COLUMNS.join(",")}.`);
        }
        result.skipped++;
        return;
      }
      columns = POSITIONAL;
    }
    const fields = parsed.fields;
    if (fields.length < columns.minFields || fields.length > columns.maxFields) {
      const expected = columns === POSITIONAL ? `4 or 5 fields (${RATE_COLUMNS.join(",")})` : `at most ${columns.maxFields} fields, as the header names`;
      // "0,01" is the likeliest extra field: a decimal comma.
      return reject(`Expected ${expected}, found ${fields.length}. Amounts take a point as the decimal separator.`);
    }
    const field = (i: number) => (i >= 0 && i < fields.length ? unprotectCell(trimField(fields[i]!)) : "");
    const checked = checkRateFields({
      prefix: field(columns.prefix),
      description: field(columns.description),
      costPerMinute: field(columns.costPerMinute),
      increment: field(columns.increment),
      connectionFee: field(columns.connectionFee),
    });
    if (!checked.ok) return reject(checked.error);
    const earlier = seen.get(checked.value.prefix);
    if (earlier !== undefined) return reject(`Prefix ${checked.value.prefix} is already on line ${earlier}; a route has one rate per prefix.`);
    seen.set(checked.value.prefix, line);
    result.rates.push({ line, ...checked.value });
  });
  return result;
}

/** The header row of a rate export. */
export function rateCsvHeader(): string {
  return toCsvRow(RATE_COLUMNS);
}

/** One rate as a CSV record (the columns of RATE_COLUMNS); parseRateCsv reads it back unchanged. */
export function rateToCsvRow(rate: RateInput): string {
  return toCsvRow([rate.prefix, rate.description, rate.costPerMinute, formatIncrement({ first: rate.firstIncrement, next: rate.nextIncrement }), rate.connectionFee]);
}

/** A file name such as "rates-satellite-2026-12-04.csv": the route name reduced to letters, digits and dashes. */
export function rateExportFileName(routeName: string, now: Date): string {
  const slug = routeName.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "route";
  return `rates-${slug}-${now.toISOString().slice(0, 10)}.csv`;
}
