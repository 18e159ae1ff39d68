/**
 * Parses a pasted list or an uploaded file into import candidates, one verdict per line. Pure and
 * deterministic (the clock comes in as `now`); every line is either a candidate, a rejection with its reason,
 * or skipped (blank lines and lines starting with "#").
 *
 * Formats:
 *   text   one address or network per line, optionally followed by whitespace and "# comment" or "; comment"
 *   csv    network,comment,expiry (RFC 4180 quoting, see ./csv). A header row naming the columns is optional;
 *          with a header, columns are found by name and others (such as an export's status) are ignored.
 *          A whitelist import (readScope) also reads a `scope` column (ALL, SIP or NO_BAN; empty: the
 *          import's own scope), so a whitelist export re-imports with the scope of each entry
 *   auto   csv when one of the first content lines holds a comma or a quote, else text
 *
 * Surrounding spaces and tabs of a field are trimmed; the address itself goes to the strict parser as is.
 *
 * Memory: a million-line import is held as columns (ImportColumns: typed arrays, comments stored once each,
 * the input itself for the text of lines reported later), never as a string and an object per line.
 * parseImportText gives the same result as objects, for small inputs and tests.
 */
import { appendNetwork, createNetworkColumns, networkAt, type NetworkColumns } from "@/lib/net/columns";
import type { ParsedNetwork } from "@/lib/net/parse";
import { checkComment, checkEntryNetwork, checkExpiry, parseScope, SCOPE_MESSAGE, TRUST_SCOPES, type ImportFormat, type TrustScope } from "@/lib/validation/address-entry";
import { findUnsafeCharacter, replaceUnsafeCharacters } from "@/lib/validation/text";
import { parseCsvLine, unprotectCell } from "./csv";

export interface ImportCandidate {
  /** 1-based line number in the input. */
  line: number;
  /** The line as given, cut to MAX_SHOWN_TEXT characters (for reports). */
  text: string;
  network: ParsedNetwork;
  comment: string;
  expiresAt: Date | null;
  /** The line's own scope (CSV scope column), null for none. */
  scope: TrustScope | null;
}

export interface RejectedLine {
  line: number;
  /** The line as given, cut to MAX_SHOWN_TEXT characters. */
  text: string;
  reason: string;
}

export interface ParsedImport {
  format: "text" | "csv";
  /** Lines in the input (a final line break does not start another). */
  lines: number;
  /** Blank lines, "#" comment lines and a CSV header. */
  skipped: number;
  candidates: ImportCandidate[];
  rejected: RejectedLine[];
}

/** The candidates of a parsed import as columns, index i for the i-th candidate (see the header). */
export interface ImportColumns {
  format: "text" | "csv";
  lines: number;
  skipped: number;
  rejected: RejectedLine[];
  /** Candidates stored (the arrays may be longer). */
  count: number;
  networks: NetworkColumns;
  /** 1-based line number. */
  line: Uint32Array;
  /** Where the candidate's line starts in `body`. */
  lineStart: Uint32Array;
  /** Index into `comments`. */
  comment: Uint32Array;
  /** Each distinct comment once (up to COMMENT_INTERN_LIMIT of them; later new ones once per line). */
  comments: string[];
  /** Epoch milliseconds; NaN for no expiry. */
  expiresAt: Float64Array;
  /** The line's own scope: 0 for none, else 1 + its index in TRUST_SCOPES (see scopeAt). */
  scope: Uint8Array;
  /** The input without its byte-order mark. */
  body: string;
}

export interface ParseImportOptions {
  format: ImportFormat;
  /** Comment for lines that bring none. */
  defaultComment?: string;
  confirmBroad?: boolean;
  /** Read a CSV `scope` column (whitelist imports); other lists ignore one, like an export's status. */
  readScope?: boolean;
  now: Date;
}

/** Longer lines are refused before any other work. */
export const MAX_LINE_LENGTH = 1_000;
export const MAX_SHOWN_TEXT = 200;

const NETWORK_HEADERS = new Set(["network", "address", "ip", "cidr", "network/address"]);
const COMMENT_HEADERS = new Set(["comment", "comments", "description", "note"]);
const EXPIRY_HEADERS = new Set(["expiry", "expires", "expires_at", "expiresat", "expires at"]);
const SCOPE_HEADERS = new Set(["scope", "trust", "trust_scope"]);

/** A refused line as reports show it: its unsafe characters as U+FFFD, so the report itself can be stored and sent. */
function shownUnsafe(text: string): string {
  return shown(replaceUnsafeCharacters(text, { isMultiline: true }));
}

function shown(text: string): string {
  return text.length > MAX_SHOWN_TEXT ? `${text.slice(0, MAX_SHOWN_TEXT)}…` : text;
}

/** The input without a leading byte-order mark. */
function bodyOf(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Calls `visit` with each line of body and where it starts: split on "\n", one trailing "\r" dropped per line. */
function forEachLine(body: string, visit: (line: string, start: number) => boolean | void): void {
  for (let start = 0; start < body.length; ) {
    const newline = body.indexOf("\n", start);
    const end = newline < 0 ? body.length : newline;
    const line = body.charCodeAt(end - 1) === 13 && end > start ? body.slice(start, end - 1) : body.slice(start, end);
    if (visit(line, start) === false) return;
    start = end + 1;
  }
}

/** Splits on "\n", drops one trailing "\r" per line and a leading byte-order mark. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  forEachLine(bodyOf(text), (line) => {
    lines.push(line);
  });
  return lines;
}

/** The line starting at `start` of body, as reports show it. */
function lineAt(body: string, start: number): string {
  const newline = body.indexOf("\n", start);
  const end = newline < 0 ? body.length : newline;
  return body.slice(start, body.charCodeAt(end - 1) === 13 && end > start ? end - 1 : end);
}

function countLines(body: string): number {
  let count = 0;
  for (let i = body.indexOf("\n"); i >= 0; i = body.indexOf("\n", i + 1)) count++;
  return body.length === 0 || body.charCodeAt(body.length - 1) === 10 ? count : count + 1;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function trimField(value: string): string {
  // Most lines have nothing to trim: skip the regex for them.
  if (value.length === 0 || (!isBlank(value.charCodeAt(0)) && !isBlank(value.charCodeAt(value.length - 1)))) return value;
  return value.replace(/^[ \t]+|[ \t]+$/g, "");
}

function isSkippable(trimmed: string): boolean {
  return trimmed === "" || trimmed.charCodeAt(0) === 35; // "#"
}

function detectFormat(body: string): "text" | "csv" {
  let looked = 0;
  let format: "text" | "csv" = "text";
  forEachLine(body, (line) => {
    const trimmed = trimField(line);
    if (isSkippable(trimmed)) return true;
    if (trimmed.includes(",") || trimmed.includes('"')) {
      format = "csv";
      return false;
    }
    return ++looked < 100;
  });
  return format;
}

interface Columns {
  network: number;
  comment: number;
  expiry: number;
  /** -1: none (always without a header). */
  scope: number;
  /** Without a header: at most three fields. */
  maxFields: number;
}

const POSITIONAL: Columns = { network: 0, comment: 1, expiry: 2, scope: -1, maxFields: 3 };

function headerColumns(fields: readonly string[], readScope: boolean): Columns | null {
  const names = fields.map((f) => trimField(f).toLowerCase());
  const network = names.findIndex((n) => NETWORK_HEADERS.has(n));
  if (network !== 0) return null;
  return {
    network,
    comment: names.findIndex((n) => COMMENT_HEADERS.has(n)),
    expiry: names.findIndex((n) => EXPIRY_HEADERS.has(n)),
    scope: readScope ? names.findIndex((n) => SCOPE_HEADERS.has(n)) : -1,
    maxFields: Number.POSITIVE_INFINITY,
  };
}

/** Distinct comments kept in a look-up table; past it, a new comment is stored once per line. */
const COMMENT_INTERN_LIMIT = 10_000;

/** Parses every line into columns; never throws on bad input. */
export function parseImportColumns(text: string, options: ParseImportOptions): ImportColumns {
  const body = bodyOf(text);
  const capacity = countLines(body);
  const format = options.format === "auto" ? detectFormat(body) : options.format;
  const defaultComment = options.defaultComment ?? "";
  const confirmBroad = options.confirmBroad === true;
  const result: ImportColumns = {
    format,
    lines: 0,
    skipped: 0,
    rejected: [],
    count: 0,
    networks: createNetworkColumns(capacity),
    line: new Uint32Array(capacity),
    lineStart: new Uint32Array(capacity),
    comment: new Uint32Array(capacity),
    comments: [],
    expiresAt: new Float64Array(capacity),
    scope: new Uint8Array(capacity),
    body,
  };
  const commentIndex = new Map<string, number>();
  let columns: Columns | null = format === "csv" ? null : POSITIONAL;

  const reject = (index: number, line: string, reason: string) => {
    result.rejected.push({ line: index + 1, text: shown(line), reason });
  };

  const internComment = (comment: string): number => {
    const known = commentIndex.get(comment);
    if (known !== undefined) return known;
    const index = result.comments.push(comment) - 1;
    if (commentIndex.size < COMMENT_INTERN_LIMIT) commentIndex.set(comment, index);
    return index;
  };

  const accept = (index: number, start: number, line: string, networkText: string, commentText: string, expiryText: string, scopeText = "") => {
    const network = checkEntryNetwork(networkText, confirmBroad);
    if (!network.ok) {
      const hint = network.field === "confirmBroad" ? " Allow broad networks to import it." : "";
      return reject(index, line, network.error + hint);
    }
    const comment = commentText === "" ? defaultComment : commentText;
    const commentError = checkComment(comment);
    if (commentError !== null) return reject(index, line, commentError);
    const expiry = checkExpiry(expiryText, options.now);
    if (!expiry.ok) return reject(index, line, expiry.error);
    const scope = scopeText === "" ? null : parseScope(scopeText);
    if (scopeText !== "" && scope === null) return reject(index, line, SCOPE_MESSAGE);
    const at = result.count++;
    appendNetwork(result.networks, network.value);
    result.line[at] = index + 1;
    result.lineStart[at] = start;
    result.comment[at] = internComment(comment);
    result.expiresAt[at] = expiry.value === null ? Number.NaN : expiry.value.getTime();
    result.scope[at] = scope === null ? 0 : TRUST_SCOPES.indexOf(scope) + 1;
  };

  let index = -1;
  forEachLine(body, (line, start) => {
    index++;
    if (line.length > MAX_LINE_LENGTH) {
      reject(index, shownUnsafe(line), `The line is too long (${line.length} characters); the limit is ${MAX_LINE_LENGTH}.`);
      return;
    }
    const unsafe = findUnsafeCharacter(line, { isMultiline: true });
    if (unsafe !== null) {
      reject(index, shownUnsafe(line), `The line holds ${unsafe}.`);
      return;
    }
    const trimmed = trimField(line);
    if (isSkippable(trimmed)) {
      result.skipped++;
      return;
    }

    if (format === "text") {
      // "192.0.2.1  # office" / "192.0.2.0/24 ; SBL123": the comment starts at whitespace + "#" or ";".
      const marker = trimmed.includes("#") || trimmed.includes(";") ? /[ \t]+[#;]/.exec(trimmed) : null;
      if (marker === null) accept(index, start, line, trimmed, "", "");
      else accept(index, start, line, trimmed.slice(0, marker.index), trimField(trimmed.slice(marker.index + marker[0].length)), "");
      return;
    }

    const parsed = parseCsvLine(trimmed);
    if (!parsed.ok) {
      reject(index, line, parsed.error);
      return;
    }
    const fields = parsed.fields;
    if (columns === null) {
      columns = headerColumns(fields, options.readScope === true);
      if (columns !== null) {
        result.skipped++;
        return;
      }
      columns = POSITIONAL;
    }
    if (fields.length > columns.maxFields) {
      reject(index, line, `Too many fields (${fields.length}): expected network,comment,expiry.`);
      return;
    }
    const field = (i: number) => (i >= 0 && i < fields.length ? trimField(fields[i]!) : "");
    accept(index, start, line, field(columns.network), unprotectCell(field(columns.comment)), field(columns.expiry), field(columns.scope));
  });
  result.lines = index + 1;
  return result;
}

/** The text of candidate i's line, as reports show it (cut to MAX_SHOWN_TEXT characters). */
export function candidateText(parsed: ImportColumns, i: number): string {
  return shown(lineAt(parsed.body, parsed.lineStart[i]!));
}

/** Candidate i's own scope (CSV scope column), null for none. */
export function scopeAt(parsed: ImportColumns, i: number): TrustScope | null {
  const code = parsed.scope[i]!;
  return code === 0 ? null : TRUST_SCOPES[code - 1]!;
}

/** Candidate i as an object. */
export function candidateAt(parsed: ImportColumns, i: number): ImportCandidate {
  const expiresAt = parsed.expiresAt[i]!;
  return {
    line: parsed.line[i]!,
    text: candidateText(parsed, i),
    network: networkAt(parsed.networks, i),
    comment: parsed.comments[parsed.comment[i]!]!,
    expiresAt: Number.isNaN(expiresAt) ? null : new Date(expiresAt),
    scope: scopeAt(parsed, i),
  };
}

/** parseImportColumns with one object per candidate: for small inputs and tests. */
export function parseImportText(text: string, options: ParseImportOptions): ParsedImport {
  const parsed = parseImportColumns(text, options);
  const candidates = Array.from({ length: parsed.count }, (_, i) => candidateAt(parsed, i));
  return { format: parsed.format, lines: parsed.lines, skipped: parsed.skipped, candidates, rejected: parsed.rejected };
}
