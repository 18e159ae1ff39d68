/**
 * Parsers for fail2ban-client 1.0.2 output, checked against a real fail2ban-server in a network namespace
 * (samples in ./fixtures):
 *
 *   fail2ban-client status                          jail list
 *   fail2ban-client status <jail>                   failed / banned counters and the banned addresses
 *   fail2ban-client get <jail> banip --with-time    one line per ban with its start, ban time and end:
 *       "198.18.1.10 \t2026-11-21 14:34:39 + 600 = 2026-11-21 14:44:39"
 *       "198.18.2.20 \t2026-11-21 14:34:39 + -1 = 9999-12-31 23:59:59"   (permanent: negative ban time)
 *
 * fail2ban prints times in the server's local time without an offset, so the caller passes the node's UTC
 * offset (`date +%z` on the node). Pure: no I/O, no clock. Every address goes through lib/net/parse; a line
 * that does not parse is reported in `rejected` and never passed on.
 */
import { parseNetwork, type IpFamily } from "@/lib/net/parse";

import { LineRejection, parseMatchingLines, rejectLine, splitLines, type Parsed, type RejectedLine } from "./parse-result";

/** fail2ban's own jail-name characters; anything else is not a name fail2ban printed. */
const JAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export function isJailName(text: string): boolean {
  return JAIL_NAME.test(text);
}

export interface JailList {
  jails: string[];
  rejected: RejectedLine[];
}

/** The jail names of `fail2ban-client status`, in the order printed. */
export function parseJailList(text: string): JailList {
  const rejected: RejectedLine[] = [];
  const lines = splitLines(text);
  let jails: string[] | null = null;
  let declared: number | null = null;
  lines.forEach((line, i) => {
    const count = /^\|- Number of jail:\t(\d+)$/.exec(line);
    if (count) {
      declared = Number(count[1]);
      return;
    }
    const list = /^`- Jail list:\t?(.*)$/.exec(line);
    if (list) {
      const names = list[1]!.trim() === "" ? [] : list[1]!.split(", ").map((n) => n.trim());
      const bad = names.filter((n) => !isJailName(n));
      if (bad.length > 0) rejected.push(rejectLine(i + 1, line, `not a jail name: ${bad.join(", ")}`));
      jails = names.filter(isJailName);
      return;
    }
    if (line !== "Status") rejected.push(rejectLine(i + 1, line, "unexpected line in the jail list"));
  });
  if (jails === null) {
    rejected.push(rejectLine(0, "", "no “Jail list” line: not the output of fail2ban-client status"));
    return { jails: [], rejected };
  }
  const found: string[] = jails;
  if (declared !== null && declared !== found.length) {
    rejected.push(rejectLine(0, "", `fail2ban reported ${declared} jails but listed ${found.length}`));
  }
  return { jails: found, rejected };
}

export interface JailStatus {
  jail: string;
  currentlyFailed: number;
  totalFailed: number;
  currentlyBanned: number;
  totalBanned: number;
  /** Canonical addresses (or networks) from “Banned IP list”. */
  bannedAddresses: string[];
  rejected: RejectedLine[];
}

const COUNTERS: Record<string, "currentlyFailed" | "totalFailed" | "currentlyBanned" | "totalBanned"> = {
  "Currently failed": "currentlyFailed",
  "Total failed": "totalFailed",
  "Currently banned": "currentlyBanned",
  "Total banned": "totalBanned",
};

/** `fail2ban-client status <jail>`; null when the text is not a jail status at all (e.g. "does not exist"). */
export function parseJailStatus(text: string): JailStatus | null {
  const lines = splitLines(text);
  const header = /^Status for the jail: (\S+)$/.exec(lines[0] ?? "");
  if (!header || !isJailName(header[1]!)) return null;
  const status: JailStatus = { jail: header[1]!, currentlyFailed: 0, totalFailed: 0, currentlyBanned: 0, totalBanned: 0, bannedAddresses: [], rejected: [] };
  const seen = new Set<string>();
  lines.slice(1).forEach((line, index) => {
    const lineNo = index + 2;
    const field = /^[|` ]*[|`]- ([A-Za-z ]+):\t?(.*)$/.exec(line);
    if (!field) {
      if (!/^[|` ]*[|`]- (Filter|Actions)$/.test(line)) status.rejected.push(rejectLine(lineNo, line, "unexpected line in the jail status"));
      return;
    }
    const [, name, value] = field as unknown as [string, string, string];
    const counter = COUNTERS[name];
    if (counter) {
      if (!/^\d{1,15}$/.test(value)) status.rejected.push(rejectLine(lineNo, line, `${name} is not a count`));
      else status[counter] = Number(value);
      seen.add(name);
      return;
    }
    if (name === "Banned IP list") {
      for (const word of value.split(/\s+/).filter(Boolean)) {
        const parsed = parseNetwork(word);
        if (parsed.ok) status.bannedAddresses.push(parsed.value.canonical);
        else status.rejected.push(rejectLine(lineNo, word, `banned address does not parse: ${parsed.error}`));
      }
    }
    // "File list", "Journal matches" and other informational fields are not needed.
  });
  for (const name of Object.keys(COUNTERS)) {
    if (!seen.has(name)) status.rejected.push(rejectLine(0, "", `missing “${name}” in the status of ${status.jail}`));
  }
  return status;
}

export interface TimedBan {
  /** Canonical text from lib/net. */
  address: string;
  family: IpFamily;
  bannedAt: Date;
  /** Ban time in seconds; null for a permanent ban (fail2ban's negative ban time). */
  banSeconds: number | null;
  /** null for a permanent ban. */
  expiresAt: Date | null;
}

export interface TimeOptions {
  /** The node's offset from UTC in minutes (from `date +%z`), because fail2ban prints local time. */
  utcOffsetMinutes: number;
}

/** "+0100", "-0530", "+00:00" → minutes; null for anything else. */
export function parseUtcOffset(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/** "2026-11-21 14:34:39" in the node's local time → the instant; null for an impossible date. */
function parseLocalTime(text: string, utcOffsetMinutes: number): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-31 over into March: refuse instead of guessing.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return new Date(utc - utcOffsetMinutes * 60_000);
}

const WITH_TIME_LINE = /^(\S+) ?\t(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \+ (-?\d{1,12}) = (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/;

/** `fail2ban-client get <jail> banip --with-time`: every ban with its start and end. */
export function parseBanTimes(text: string, options: TimeOptions): Parsed<TimedBan> {
  return parseMatchingLines(text, WITH_TIME_LINE, "address <tab>start + seconds = end", (m): TimedBan | LineRejection => {
    const [, addressText, startText, secondsText, endText] = m as unknown as [string, string, string, string, string];
    const parsed = parseNetwork(addressText);
    if (!parsed.ok) return new LineRejection(`banned address does not parse: ${parsed.error}`);
    const bannedAt = parseLocalTime(startText, options.utcOffsetMinutes);
    if (bannedAt === null) return new LineRejection("ban start is not a valid date-time");
    const seconds = Number(secondsText);
    let expiresAt: Date | null = null;
    if (seconds >= 0) {
      // Computed from start + ban time (exact), after checking the printed end agrees with it.
      expiresAt = new Date(bannedAt.getTime() + seconds * 1000);
      const printedEnd = parseLocalTime(endText, options.utcOffsetMinutes);
      if (printedEnd === null || Math.abs(printedEnd.getTime() - expiresAt.getTime()) > 1000) return new LineRejection("ban end does not match start + ban time");
    }
    return { address: parsed.value.canonical, family: parsed.value.family, bannedAt, banSeconds: seconds >= 0 ? seconds : null, expiresAt };
  });
}

export interface JailBan {
  address: string;
  family: IpFamily;
  /** null when the status listed the address but the timed list did not (banned between the two reads). */
  bannedAt: Date | null;
  expiresAt: Date | null;
  isPermanent: boolean;
}

export interface JailReport {
  jail: string;
  currentlyFailed: number;
  totalFailed: number;
  currentlyBanned: number;
  totalBanned: number;
  bans: JailBan[];
  rejected: RejectedLine[];
}

/**
 * One jail's report from its status and its timed ban list (read one after the other, so a ban may appear in
 * only one of them): the union of both, with times where the timed list has them, in address order.
 */
export function buildJailReport(status: JailStatus, timed: Parsed<TimedBan>): JailReport {
  const byAddress = new Map<string, JailBan>();
  for (const ban of timed.items) {
    byAddress.set(ban.address, { address: ban.address, family: ban.family, bannedAt: ban.bannedAt, expiresAt: ban.expiresAt, isPermanent: ban.banSeconds === null });
  }
  for (const address of status.bannedAddresses) {
    if (byAddress.has(address)) continue;
    const parsed = parseNetwork(address);
    if (parsed.ok) byAddress.set(address, { address, family: parsed.value.family, bannedAt: null, expiresAt: null, isPermanent: false });
  }
  const bans = [...byAddress.values()].sort((a, b) => a.family - b.family || a.address.localeCompare(b.address));
  return {
    jail: status.jail,
    currentlyFailed: status.currentlyFailed,
    totalFailed: status.totalFailed,
    currentlyBanned: status.currentlyBanned,
    totalBanned: status.totalBanned,
    bans,
    rejected: [...status.rejected, ...timed.rejected],
  };
}
