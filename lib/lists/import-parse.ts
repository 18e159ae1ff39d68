/**
 * Parses a pasted list or an uploaded file into import candidates, one verdict per line. Pure and
 * deterministic (the clock comes in as `now`); every line is either a candidate, a rejection with its reason,
 * or skipped (blank lines and lines starting with "#").
 *
 * Formats:
 *   text   one address or network per line, optionally followed by whitespace and "# comment" or "; comment"
 *   csv    network,comment,expiry (RFC 4180 quoting, see ./csv). A header row naming the columns is optional;
 *          with a header, columns are found by name and others (such as an export's status) are ignored
 *   auto   csv when one of the first content lines holds a comma or a quote, else text
 *
 * Surrounding spaces and tabs of a field are trimmed; the address itself goes to the strict parser as is.
 */
import type { ParsedNetwork } from "@/lib/net/parse";
import { checkComment, checkEntryNetwork, checkExpiry, type ImportFormat } from "@/lib/validation/address-entry";
import { findUnsafeCharacter } from "@/lib/validation/text";
import { parseCsvLine, unprotectCell } from "./csv";

export interface ImportCandidate {
  /** 1-based line number in the input. */
  line: number;
  /** The line as given, cut to MAX_SHOWN_TEXT characters (for reports). */
  text: string;
  network: ParsedNetwork;
  comment: string;
  expiresAt: Date | null;
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

export interface ParseImportOptions {
  format: ImportFormat;
  /** Comment for lines that bring none. */
  defaultComment?: string;
  confirmBroad?: boolean;
  now: Date;
}

/** Longer lines are refused before any other work. */
export const MAX_LINE_LENGTH = 1_000;
export const MAX_SHOWN_TEXT = 200;

const NETWORK_HEADERS = new Set(["network", "address", "ip", "cidr", "network/address"]);
const COMMENT_HEADERS = new Set(["comment", "comments", "description", "note"]);
const EXPIRY_HEADERS = new Set(["expiry", "expires", "expires_at", "expiresat", "expires at"]);

// Control characters and unpaired surrogates, as lib/validation/text finds them (tabs separate fields and pass).
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A refused line as reports show it: its unsafe characters as U+FFFD, so the report itself can be stored and sent. */
function shownUnsafe(text: string): string {
  return shown(text.replace(UNSAFE_CHARACTERS, "\ufffd"));
}

function shown(text: string): string {
  return text.length > MAX_SHOWN_TEXT ? `${text.slice(0, MAX_SHOWN_TEXT)}…` : text;
}

/** Splits on "\n", drops one trailing "\r" per line and a leading byte-order mark. */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
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

function detectFormat(lines: readonly string[]): "text" | "csv" {
  let looked = 0;
  for (const line of lines) {
    const trimmed = trimField(line);
    if (isSkippable(trimmed)) continue;
    if (trimmed.includes(",") || trimmed.includes('"')) return "csv";
    if (++looked >= 100) break;
  }
  return "text";
}

interface Columns {
  network: number;
  comment: number;
  expiry: number;
  /** Without a header: at most three fields. */
  maxFields: number;
}

const POSITIONAL: Columns = { network: 0, comment: 1, expiry: 2, maxFields: 3 };

function headerColumns(fields: readonly string[]): Columns | null {
  const names = fields.map((f) => trimField(f).toLowerCase());
  const network = names.findIndex((n) => NETWORK_HEADERS.has(n));
  if (network !== 0) return null;
  return {
    network,
    comment: names.findIndex((n) => COMMENT_HEADERS.has(n)),
    expiry: names.findIndex((n) => EXPIRY_HEADERS.has(n)),
    maxFields: Number.POSITIVE_INFINITY,
  };
}

/** Parses every line; never throws on bad input. */
export function parseImportText(text: string, options: ParseImportOptions): ParsedImport {
  const lines = splitLines(text);
  const format = options.format === "auto" ? detectFormat(lines) : options.format;
  const defaultComment = options.defaultComment ?? "";
  const confirmBroad = options.confirmBroad === true;
  const result: ParsedImport = { format, lines: lines.length, skipped: 0, candidates: [], rejected: [] };
  let columns: Columns | null = format === "csv" ? null : POSITIONAL;

  const reject = (index: number, line: string, reason: string) => {
    result.rejected.push({ line: index + 1, text: shown(line), reason });
  };

  const accept = (index: number, line: string, networkText: string, commentText: string, expiryText: string) => {
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
    result.candidates.push({ line: index + 1, text: shown(line), network: network.value, comment, expiresAt: expiry.value });
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.length > MAX_LINE_LENGTH) {
      reject(index, shownUnsafe(line), `The line is too long (${line.length} characters); the limit is ${MAX_LINE_LENGTH}.`);
      continue;
    }
    const unsafe = findUnsafeCharacter(line, { isMultiline: true });
    if (unsafe !== null) {
      reject(index, shownUnsafe(line), `The line holds ${unsafe}.`);
      continue;
    }
    const trimmed = trimField(line);
    if (isSkippable(trimmed)) {
      result.skipped++;
      continue;
    }

    if (format === "text") {
      // "192.0.2.1  # office" / "192.0.2.0/24 ; SBL123": the comment starts at whitespace + "#" or ";".
      const marker = trimmed.includes("#") || trimmed.includes(";") ? /[ \t]+[#;]/.exec(trimmed) : null;
      if (marker === null) accept(index, line, trimmed, "", "");
      else accept(index, line, trimmed.slice(0, marker.index), trimField(trimmed.slice(marker.index + marker[0].length)), "");
      continue;
    }

    const parsed = parseCsvLine(trimmed);
    if (!parsed.ok) {
      reject(index, line, parsed.error);
      continue;
    }
    const fields = parsed.fields;
    if (columns === null) {
      columns = headerColumns(fields);
      if (columns !== null) {
        result.skipped++;
        continue;
      }
      columns = POSITIONAL;
    }
    if (fields.length > columns.maxFields) {
      reject(index, line, `Too many fields (${fields.length}): expected network,comment,expiry.`);
      continue;
    }
    const field = (i: number) => (i >= 0 && i < fields.length ? trimField(fields[i]!) : "");
    accept(index, line, field(columns.network), unprotectCell(field(columns.comment)), field(columns.expiry));
  }
  return result;
}
