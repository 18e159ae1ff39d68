/**
 * Parses the node agent's `observe` output (lib/deploy/agent/rampart-node.sh cmd_observe) into the stored
 * snapshot (NodeObservation) plus the ban list for ban_events. The output is a series of "@section" blocks:
 *
 *   @time <epoch>  @tz <+hhmm>  @clock <jiffies> <HZ>  @version <hash>  @confirmed-digest <hex>  @digest <hex>
 *   @loaded 0|1  (INPUT jumps to Rampart's chain)   @boot-restore unit|hook|none   (newer agents only)
 *   @fail2ban-up | @fail2ban-down
 *   @jail <name>      `fail2ban-client status <name>`
 *   @banip <name>     `fail2ban-client get <name> banip --with-time`
 *   @hashlimit <path> /proc/net/ip(6)t_hashlimit/rampart-sipN (at most 5,000 lines)
 *   @recent <path>    /proc/net/xt_recent/rampart-* (at most 5,000 lines)
 *   @counters4 / @counters6   `iptables-save -c -t filter`, Rampart's chains only
 *   @registrations <offset> <size>   SuccessfulAuth lines of the security log since the last poll
 *   @cdrs <offset> <next> <size>     Master.csv lines (cdr_csv) from byte <offset> to <next> of a <size>-byte
 *                                    file; "!long <bytes>" for a line the agent would not send
 *   @end
 *
 * Section bodies come from tools and logs, never a line starting with "@" (fail2ban, /proc and iptables-save
 * do not print one; registration lines start with "[", the agent puts "!" before a CDR line starting with "@"). Pure: no I/O, no clock; the parsers it calls send
 * every address through lib/net/parse. Missing @end means the output was cut: the caller treats the poll as
 * failed rather than closing bans that were simply not read.
 */
import { parseBootRestore } from "@/lib/deploy/agent-output";
import { hashlimitPrefix, recentListName } from "@/lib/rules/names";
import { IPV6_SOURCE_PREFIX } from "@/lib/rules/compile";

import { emptyDropCounters, parseDropCounters, sumDropCounters } from "./counters";
import { buildJailReport, isJailName, parseBanTimes, parseJailStatus, parseUtcOffset, type JailReport } from "./fail2ban-status";
import { describeDrift } from "./drift";
import { parseHashlimit } from "./hashlimit";
import { parseCdrs, type CallDetailRecord } from "./cdrs";
import { parseRecentList } from "./recent";
import { parseRegistrationLine, type Registration } from "./registrations";
import { SNAPSHOT_FORMAT, type NodeObservation } from "./snapshot";

/** How many rate-table rows a snapshot keeps (fewest tokens first): the ones about to be limited matter. */
export const MAX_RATE_ROWS = 500;
const MAX_RECENT_ROWS = 200;

export interface ParsedObserveOutput {
  observation: NodeObservation;
  /** Complete ban lists of the jails read (feed for recordBanObservations). */
  jails: JailReport[];
  registrations: Registration[];
  /** Call records read in this poll (all of them; the snapshot keeps only counts). */
  callRecords: CallDetailRecord[];
  /**
   * Where the next CDR read should start once these records are stored: the `<next>` of the `@cdrs` header, for
   * the panel to acknowledge (lib/observe/collector.ts); null without a section or when nothing new was read.
   */
  cdrAcknowledgement: number | null;
  /** The same for the `@registrations` section: its `<size>`, once the registrations are processed. */
  registrationAcknowledgement: number | null;
  /** fail2ban answered, so the jails read are complete and bans missing from them are really gone. */
  isFail2banUp: boolean;
}

interface Section {
  name: string;
  argument: string;
  lines: string[];
}

function splitSections(text: string): { sections: Section[]; isComplete: boolean } {
  const sections: Section[] = [];
  let current: Section | null = null;
  let isComplete = false;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const marker = /^@([a-z0-9-]+)(?: (.*))?$/.exec(line);
    if (marker) {
      if (marker[1] === "end") {
        isComplete = true;
        break;
      }
      current = { name: marker[1]!, argument: (marker[2] ?? "").trim(), lines: [] };
      sections.push(current);
    } else if (current !== null) {
      current.lines.push(line);
    }
  }
  return { sections, isComplete };
}

const HEX = /^[0-9a-f]{16,128}$/;

export class ObserveOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObserveOutputError";
  }
}

/** The observation of one `observe` run; `pollMs` is the collector's own timing. Throws ObserveOutputError when cut. */
export function parseObserveOutput(text: string, pollMs: number): ParsedObserveOutput {
  const { sections, isComplete } = splitSections(text);
  if (!isComplete) throw new ObserveOutputError("The node's observe output ended early (no @end).");
  const single = (name: string) => sections.find((s) => s.name === name)?.argument ?? "";
  const rejectedLines: Record<string, number> = {};
  const reject = (source: string, count: number) => {
    if (count > 0) rejectedLines[source] = (rejectedLines[source] ?? 0) + count;
  };

  const epoch = Number(single("time"));
  const nodeTime = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date(0);
  const utcOffsetMinutes = parseUtcOffset(single("tz")) ?? 0;
  const [jiffiesText, hzText] = single("clock").split(" ");
  const jiffiesNow = Number(jiffiesText);
  const hz = Number(hzText);
  const clock = Number.isFinite(jiffiesNow) && jiffiesNow > 0 && Number.isInteger(hz) && hz > 0 ? { jiffiesNow, hz } : undefined;

  const version = single("version");
  const digest = single("digest");
  const confirmed = single("confirmed-digest");
  const runningVersion = HEX.test(version) ? version : null;
  const currentDigest = HEX.test(digest) ? digest : null;
  const confirmedDigest = HEX.test(confirmed) ? confirmed : null;
  const loaded = single("loaded");
  const bootRestore = parseBootRestore(single("boot-restore"));
  const drift = describeDrift({
    confirmedVersion: runningVersion,
    digest: currentDigest,
    confirmedDigest,
    isLoaded: loaded === "1" ? true : loaded === "0" ? false : null,
    bootRestore,
  });
  const isFail2banUp = sections.some((s) => s.name === "fail2ban-up") || (sections.some((s) => s.name === "jail") && !sections.some((s) => s.name === "fail2ban-down"));

  // Jails: status and timed list, read one after the other on the node.
  const jails: JailReport[] = [];
  for (const section of sections.filter((s) => s.name === "jail")) {
    if (!isJailName(section.argument)) {
      reject("fail2ban", 1);
      continue;
    }
    const status = parseJailStatus(section.lines.join("\n"));
    if (status === null || status.jail !== section.argument) {
      reject("fail2ban", 1);
      continue;
    }
    const timedSection = sections.find((s) => s.name === "banip" && s.argument === section.argument);
    const timed = parseBanTimes(timedSection?.lines.join("\n") ?? "", { utcOffsetMinutes });
    const report = buildJailReport(status, timed);
    reject("fail2ban", report.rejected.length);
    jails.push(report);
  }

  // SIP rate table (hashlimit) of both families, fewest tokens first.
  const rateRows: NodeObservation["rateTable"] = [];
  for (const section of sections.filter((s) => s.name === "hashlimit")) {
    // Table names carry a digest of the limit's parameters (lib/rules/names.ts): match by prefix.
    const table = section.argument.slice(section.argument.lastIndexOf("/") + 1);
    const family = table.startsWith(hashlimitPrefix(6)) ? 6 : table.startsWith(hashlimitPrefix(4)) ? 4 : null;
    if (family === null) continue;
    const parsed = parseHashlimit(section.lines.join("\n"), family === 6 ? { sourcePrefixLength: IPV6_SOURCE_PREFIX } : {});
    reject("hashlimit", parsed.rejected.length);
    for (const e of parsed.items) rateRows.push({ address: e.address, family: e.family, tokensLeftPercent: e.tokensLeftPercent, isNearLimit: e.isNearLimit, expiresInSeconds: e.expiresInSeconds });
  }
  rateRows.sort((a, b) => a.tokensLeftPercent - b.tokensLeftPercent || a.address.localeCompare(b.address));

  // xt_recent lists, by list name.
  const known = new Set([recentListName("register", 4), recentListName("register", 6), recentListName("invite", 4), recentListName("invite", 6)]);
  const recent: NodeObservation["recent"] = [];
  for (const section of sections.filter((s) => s.name === "recent")) {
    const list = section.argument.slice(section.argument.lastIndexOf("/") + 1);
    if (!known.has(list)) continue;
    const parsed = parseRecentList(section.lines.join("\n"), { clock });
    reject("recent", parsed.rejected.length);
    recent.push({ list, entries: parsed.items.slice(0, MAX_RECENT_ROWS).map((e) => ({ address: e.address, hitCount: e.hitCount, lastSeenSecondsAgo: e.lastSeenSecondsAgo })) });
  }
  recent.sort((a, b) => a.list.localeCompare(b.list));

  // Counters of both families.
  let counters = emptyDropCounters();
  for (const family of [4, 6] as const) {
    const section = sections.find((s) => s.name === `counters${family}`);
    if (!section) continue;
    const report = parseDropCounters(section.lines.join("\n"), family);
    reject("counters", report.rejected.length);
    counters = sumDropCounters(counters, report.counters);
  }

  // Registrations since the last poll; only complete, trusted lines.
  const registrations: Registration[] = [];
  let registrationAcknowledgement: number | null = null;
  for (const section of sections.filter((s) => s.name === "registrations")) {
    const header = /^(\d{1,15}) (\d{1,15})$/.exec(section.argument);
    if (header && Number(header[2]) > Number(header[1])) registrationAcknowledgement = Number(header[2]);
    for (const line of section.lines) {
      if (line === "") continue;
      const outcome = parseRegistrationLine(line);
      if (outcome.kind === "ok") registrations.push(outcome.value);
      else if (outcome.kind === "reject") reject("registrations", 1);
    }
  }

  // Call records since the last acknowledged read (the agent reads on from there until the panel acknowledges).
  const callRecords: CallDetailRecord[] = [];
  let cdrAcknowledgement: number | null = null;
  for (const section of sections.filter((s) => s.name === "cdrs")) {
    const header = /^(\d{1,15}) (\d{1,15}) (\d{1,15})$/.exec(section.argument);
    if (header && Number(header[2]) > Number(header[1])) cdrAcknowledgement = Number(header[2]);
    const lines = section.lines.filter((line) => !/^!long \d+$/.test(line));
    reject("cdrs", section.lines.length - lines.length);
    const parsed = parseCdrs(lines.join("\n"));
    reject("cdrs", parsed.rejected.length);
    callRecords.push(...parsed.items);
  }

  const observation: NodeObservation = {
    format: SNAPSHOT_FORMAT,
    nodeTime: nodeTime.toISOString(),
    pollMs,
    runningVersion,
    drift: { digest: currentDigest, confirmedDigest, drifted: drift.drifted, message: drift.message },
    bootRestore,
    isFail2banUp,
    jails: jails.map((j) => ({
      jail: j.jail,
      currentlyFailed: j.currentlyFailed,
      totalFailed: j.totalFailed,
      currentlyBanned: j.currentlyBanned,
      totalBanned: j.totalBanned,
      bans: j.bans.map((b) => ({
        address: b.address,
        family: b.family,
        bannedAt: b.bannedAt?.toISOString() ?? null,
        expiresAt: b.expiresAt?.toISOString() ?? null,
        isPermanent: b.isPermanent,
      })),
    })),
    rateTable: rateRows.slice(0, MAX_RATE_ROWS),
    recent,
    counters,
    registrations: registrations.slice(0, 500).map((r) => ({ address: r.address, accountId: r.accountId, at: r.at.toISOString() })),
    callRecords: callRecords.length,
    rejectedLines,
  };
  return { observation, jails, registrations, callRecords, cdrAcknowledgement, registrationAcknowledgement, isFail2banUp };
}
