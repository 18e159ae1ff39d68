/**
 * Successful registrations from the Asterisk security log (res_security_log), read incrementally from a byte
 * offset. The line Asterisk 22 writes (as the lab's Asterisk nodes log it, with FreePBX's `dateformat = %F %T`):
 *
 *   [2026-12-04 01:29:38] SECURITY[16787] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-12-04T01:29:38.728+0000",
 *     Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="1001",SessionID="9f30da55-…",
 *     LocalAddress="IPV4/UDP/198.18.0.10/5060",RemoteAddress="IPV4/UDP/198.18.0.240/5060",UsingPassword="1"
 *
 * These addresses may become whitelist entries (auto-whitelist), so parsing is strict: AccountID and SessionID
 * are caller text and Asterisk does not escape quotes in them, so a line whose fields do not split cleanly into
 * key="value" pairs, or that repeats a key (an injected `",RemoteAddress="…`), is rejected, never guessed at.
 * Pure: the caller reads the file from `offset` and passes the bytes.
 */
import { parseHostAddress, type IpFamily } from "@/lib/net/parse";

import { rejectLine, type RejectedLine } from "./parse-result";

export interface Registration {
  /** Canonical text from lib/net. */
  address: string;
  family: IpFamily;
  accountId: string;
  at: Date;
}

export interface RegistrationChunk {
  items: Registration[];
  /** Lines that announced a SuccessfulAuth but could not be trusted (other events are skipped silently). */
  rejected: RejectedLine[];
  /** Where the next read starts: after the last complete line of this chunk. */
  nextOffset: number;
}

const PREFIX = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] SECURITY\[\d+\](?:\[C-[0-9a-f]+\])?:? res_security_log\.c(?::\d+)?(?: in \w+)?: (.*)$/;
const FIELDS = /^[A-Za-z]+="[^"]*"(?:,[A-Za-z]+="[^"]*")*$/;
const FIELD = /([A-Za-z]+)="([^"]*)"/g;
const REMOTE = /^IPV([46])\/(?:UDP|TCP|TLS|WS|WSS)\/([0-9A-Fa-f.:]+)\/(\d{1,5})$/;
/** Asterisk 13+ writes an ISO time with offset; older versions "seconds-microseconds". */
const EVENT_TV_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?([+-]\d{2})(\d{2})$/;
const EVENT_TV_EPOCH = /^(\d{1,12})-(\d{1,6})$/;
/** Account ids are shown in the UI and stored as comments: keep them short and printable. */
const ACCOUNT_ID = /^[\x21-\x7e]{1,80}$/;

function parseEventTv(text: string): Date | null {
  const iso = EVENT_TV_ISO.exec(text);
  if (iso) {
    const millis = (iso[2] ?? "0").padEnd(3, "0").slice(0, 3);
    const date = new Date(`${iso[1]}.${millis}${iso[3]}:${iso[4]}`);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const epoch = EVENT_TV_EPOCH.exec(text);
  if (epoch) return new Date(Number(epoch[1]) * 1000 + Math.floor(Number(epoch[2]) / 1000));
  return null;
}

type LineOutcome = { kind: "skip" } | { kind: "ok"; value: Registration } | { kind: "reject"; reason: string };

/** One security-log line: a trusted SuccessfulAuth, a line to reject, or anything else (skipped). */
export function parseRegistrationLine(line: string): LineOutcome {
  if (!line.includes('SecurityEvent="SuccessfulAuth"')) return { kind: "skip" };
  const m = PREFIX.exec(line);
  if (!m) return { kind: "reject", reason: "not a res_security_log line" };
  const body = m[1]!;
  if (!FIELDS.test(body)) return { kind: "reject", reason: "fields do not split into key=\"value\" pairs" };
  const fields = new Map<string, string>();
  for (const [, key, value] of body.matchAll(FIELD)) {
    if (fields.has(key!)) return { kind: "reject", reason: `field ${key} appears twice` };
    fields.set(key!, value!);
  }
  if (fields.get("SecurityEvent") !== "SuccessfulAuth") return { kind: "skip" };
  const remote = REMOTE.exec(fields.get("RemoteAddress") ?? "");
  if (!remote) return { kind: "reject", reason: "RemoteAddress is missing or not IPVn/TRANSPORT/address/port" };
  const address = parseHostAddress(remote[2]!);
  if (!address.ok) return { kind: "reject", reason: `remote address does not parse: ${address.error}` };
  if (String(address.value.family) !== remote[1]) return { kind: "reject", reason: "remote address does not match its IPV4/IPV6 tag" };
  const accountId = fields.get("AccountID") ?? "";
  if (!ACCOUNT_ID.test(accountId)) return { kind: "reject", reason: "AccountID is empty, too long or not printable" };
  const at = parseEventTv(fields.get("EventTV") ?? "");
  if (at === null) return { kind: "reject", reason: "EventTV is missing or not a time" };
  return { kind: "ok", value: { address: address.value.canonical, family: address.value.family, accountId, at } };
}

/**
 * The registrations in `bytes`, read from `offset` of the log. Only complete lines are consumed: a line still
 * being written is left for the next read (nextOffset points at its start).
 */
export function parseRegistrations(bytes: Uint8Array, offset: number): RegistrationChunk {
  const lastNewline = bytes.lastIndexOf(0x0a);
  if (lastNewline < 0) return { items: [], rejected: [], nextOffset: offset };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, lastNewline));
  const items: Registration[] = [];
  const rejected: RejectedLine[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const outcome = parseRegistrationLine(line);
    if (outcome.kind === "ok") items.push(outcome.value);
    else if (outcome.kind === "reject") rejected.push(rejectLine(index + 1, line, outcome.reason));
  });
  return { items, rejected, nextOffset: offset + lastNewline + 1 };
}

/** Where to read from: the stored offset, or 0 when the log is now shorter (it was rotated or truncated). */
export function resumeOffset(storedOffset: number, fileSize: number): number {
  return storedOffset > fileSize ? 0 : storedOffset;
}
