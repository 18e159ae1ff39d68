/**
 * Call detail records from Asterisk's cdr_csv (Master.csv), read incrementally by the node agent (`@cdrs`
 * section of `observe`). The panel pushes nothing into cdr.conf; the node is expected to run
 *
 *   [csv] usegmtime=yes loguniqueid=yes loguserfield=yes accountlogs=no
 *
 * which writes one line of 18 comma-separated fields per record, a real one from the lab:
 *
 *   "acme","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-00000000","PJSIP/carrier-00000001",
 *   "Dial","PJSIP/0441234567@carrier,60","2026-12-04 01:30:03","2026-12-04 01:30:03","2026-12-04 01:30:07",4,4,
 *   "ANSWERED","DOCUMENTATION","node1-1796347803.0",""
 *
 * accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
 * billsec, disposition, amaflags, uniqueid, userfield. Text fields are quoted with inner quotes doubled
 * (cdr_csv's append_string); duration and billsec are bare integers; times are UTC (usegmtime) and answer is empty
 * for a call nobody answered (quoted "" or, as Asterisk 22 writes it for a call refused before it was answered,
 * bare: `...,"2026-12-04 18:47:08",,"2026-12-04 18:47:08",0,0,"NO ANSWER",...`).
 *
 * Hand-written rather than a CSV library because these records feed call-cost limits: the shape cdr_csv writes
 * is the only shape accepted (quoted where it quotes, bare where it does not, nothing after a closing quote),
 * and a line that is anything else — cut, joined by a newline inside caller text, another cdr.conf — is
 * rejected with its reason, never guessed at. The caller's display name (clid) is the one field a caller types
 * freely: it is made printable and cut rather than refused, so nobody hides a call from the limits by dialling
 * with a control character in their name. Every other text field must already be short and printable.
 * Pure: no I/O, no clock.
 */
import { createHash } from "node:crypto";

import { LineRejection, rejectLine, splitLines, type Parsed } from "./parse-result";

export const CDR_DISPOSITIONS = ["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"] as const;
export type CdrDisposition = (typeof CDR_DISPOSITIONS)[number];

export interface CallDetailRecord {
  /** Asterisk's uniqueid of the channel (party A); several records of one call can share it. */
  uniqueId: string;
  /** sha256 (hex) of the line as written: the same record read twice has the same digest. */
  recordDigest: string;
  accountCode: string;
  source: string;
  destination: string;
  context: string;
  /** The caller id ("name" <number>), made printable and at most MAX_CALLER_ID characters. */
  callerId: string;
  channel: string;
  dstChannel: string;
  lastApp: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  durationSeconds: number;
  billSeconds: number;
  disposition: CdrDisposition;
  /** cdr_csv's userfield (the call guard writes its decision there: lib/guard/outcome.ts). */
  userField: string;
}

/** Longer lines are not cdr_csv's (its fields are at most 256 characters, quotes doubled at worst). */
export const MAX_CDR_LINE = 4096;
/** Asterisk's own limit for most CDR text fields is 80; userfield and lastdata may reach 256. */
const MAX_TEXT = 256;
export const MAX_CALLER_ID = 80;
const FIELD_COUNT = 18;
/** The fields cdr_csv writes bare (duration, billsec); every other one is quoted. */
const BARE_FIELDS = new Set([12, 13]);
const ANSWER_INDEX = 10;
/** Largest duration stored (call_records uses integer columns). */
const MAX_SECONDS = 2_147_483_647;

const PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const UNIQUE_ID = /^[\x21-\x7e]{1,150}$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const SECONDS = /^\d{1,10}$/;

interface CsvField {
  value: string;
  isQuoted: boolean;
}

/**
 * Splits one line into fields as cdr_csv writes them: `"text"` with `""` for a quote inside, or bare text
 * without quotes or commas. Returns a reason instead when the line is not such a list.
 */
export function splitCdrFields(line: string): CsvField[] | string {
  const fields: CsvField[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return `field ${fields.length + 1} has no closing quote`;
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push({ value, isQuoted: true });
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return `field ${fields.length + 1} has a quote inside unquoted text`;
      fields.push({ value, isQuoted: false });
      i = end;
    }
    if (i === line.length) return fields;
    if (line[i] !== ",") return `field ${fields.length} has text after its closing quote`;
    i += 1;
  }
}

/** "YYYY-MM-DD HH:MM:SS" as UTC, a real calendar time, or null. */
function parseUtcTime(text: string): Date | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const isExact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return isExact && year >= 1970 ? date : null;
}

function parseSeconds(text: string): number | null {
  if (!SECONDS.test(text)) return null;
  const value = Number(text);
  return value <= MAX_SECONDS ? value : null;
}

function isDisposition(text: string): text is CdrDisposition {
  return (CDR_DISPOSITIONS as readonly string[]).includes(text);
}

/** The caller id as stored: control and invisible characters become U+FFFD, cut to MAX_CALLER_ID characters. */
function cleanCallerId(text: string): string {
  const printable = text.replace(NOT_PRINTABLE, "\uFFFD");
  const chars = [...printable];
  return chars.length > MAX_CALLER_ID ? `${chars.slice(0, MAX_CALLER_ID - 1).join("")}…` : printable;
}

const TEXT_FIELDS = ["accountcode", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata", "amaflags", "userfield"] as const;
const TEXT_INDEX: Record<(typeof TEXT_FIELDS)[number], number> = {
  accountcode: 0,
  src: 1,
  dst: 2,
  dcontext: 3,
  channel: 5,
  dstchannel: 6,
  lastapp: 7,
  lastdata: 8,
  amaflags: 15,
  userfield: 17,
};

/** One Master.csv line: the record, or the reason it is refused. */
export function parseCdrLine(line: string): CallDetailRecord | LineRejection {
  if (line.length > MAX_CDR_LINE) return new LineRejection(`longer than ${MAX_CDR_LINE} characters`);
  const split = splitCdrFields(line);
  if (typeof split === "string") return new LineRejection(split);
  if (split.length !== FIELD_COUNT) return new LineRejection(`${split.length} fields, not ${FIELD_COUNT}`);
  for (const [index, field] of split.entries()) {
    const isBare = BARE_FIELDS.has(index);
    // Asterisk 22 writes the answer time of a call nobody answered as an empty bare field (,,): seen in the lab.
    if (index === ANSWER_INDEX && !field.isQuoted && field.value === "") continue;
    if (field.isQuoted === isBare) return new LineRejection(`field ${index + 1} is ${isBare ? "quoted" : "not quoted"}, unlike cdr_csv`);
  }
  const value = split.map((f) => f.value);
  for (const name of TEXT_FIELDS) {
    const text = value[TEXT_INDEX[name]]!;
    if (text.length > MAX_TEXT) return new LineRejection(`${name} is longer than ${MAX_TEXT} characters`);
    if (!PRINTABLE.test(text)) return new LineRejection(`${name} holds control or invisible characters`);
  }
  if (value[4]!.length > MAX_TEXT) return new LineRejection(`clid is longer than ${MAX_TEXT} characters`);

  const startedAt = parseUtcTime(value[9]!);
  if (startedAt === null) return new LineRejection("start is not a UTC time (YYYY-MM-DD HH:MM:SS)");
  const answeredAt = value[10] === "" ? null : parseUtcTime(value[10]!);
  if (value[10] !== "" && answeredAt === null) return new LineRejection("answer is neither empty nor a UTC time");
  const endedAt = parseUtcTime(value[11]!);
  if (endedAt === null) return new LineRejection("end is not a UTC time (YYYY-MM-DD HH:MM:SS)");
  if (endedAt < startedAt) return new LineRejection("end is before start");
  if (answeredAt !== null && (answeredAt < startedAt || answeredAt > endedAt)) return new LineRejection("answer is outside start and end");

  const durationSeconds = parseSeconds(value[12]!);
  if (durationSeconds === null) return new LineRejection("duration is not a non-negative integer");
  const billSeconds = parseSeconds(value[13]!);
  if (billSeconds === null) return new LineRejection("billsec is not a non-negative integer");
  if (billSeconds > durationSeconds) return new LineRejection("billsec exceeds duration");

  const disposition = value[14]!;
  if (!isDisposition(disposition)) return new LineRejection(`disposition is not one of ${CDR_DISPOSITIONS.join(", ")}`);
  if (answeredAt === null && (billSeconds > 0 || disposition === "ANSWERED")) return new LineRejection("billed or ANSWERED without an answer time");

  const uniqueId = value[16]!;
  if (!UNIQUE_ID.test(uniqueId)) return new LineRejection("uniqueid is missing, longer than 150 characters or not printable ASCII");

  return {
    uniqueId,
    recordDigest: createHash("sha256").update(line, "utf8").digest("hex"),
    accountCode: value[0]!,
    source: value[1]!,
    destination: value[2]!,
    context: value[3]!,
    callerId: cleanCallerId(value[4]!),
    channel: value[5]!,
    dstChannel: value[6]!,
    lastApp: value[7]!,
    startedAt,
    answeredAt,
    endedAt,
    durationSeconds,
    billSeconds,
    disposition,
    userField: value[17]!,
  };
}

/** The records of a run of Master.csv lines (blank lines skipped); every other line is a record or rejected. */
export function parseCdrs(text: string): Parsed<CallDetailRecord> {
  const items: CallDetailRecord[] = [];
  const rejected: Parsed<CallDetailRecord>["rejected"] = [];
  splitLines(text).forEach((line, index) => {
    if (line === "") return;
    const result = parseCdrLine(line);
    if (result instanceof LineRejection) rejected.push(rejectLine(index + 1, line, result.reason));
    else items.push(result);
  });
  return { items, rejected };
}
