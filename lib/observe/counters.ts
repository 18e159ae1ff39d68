/**
 * Drops by reason from `iptables-save -c` / `ip6tables-save -c` (real sample in ./fixtures: the golden
 * geoip-full-server ruleset applied in a network namespace, then hit from an attacker namespace). Lines read:
 *
 *   [5:310] -A RAMPART-INPUT -m set --match-set rampart-bl4-net src -j DROP
 *
 * The rule stages are those of lib/rules/compile.ts, recognised by the names in lib/rules/names.ts:
 *   blocklist  RAMPART-INPUT DROP on the blocklist set
 *   banned     RAMPART-INPUT DROP on a fail2ban ban set (rampart-f2b-*)
 *   geoip      RAMPART-INPUT DROP of sources outside the GeoIP allow set
 *   scanner    RAMPART-SCAN DROP (signatures jump there from RAMPART-SIP)
 *   rateLimit  RAMPART-FLOOD DROP, split by what jumped there: REGISTER / INVITE floods (xt_recent) and the
 *              per-source packet rate (hashlimit)
 *   sip        the jumps from RAMPART-INPUT to RAMPART-SIP: every SIP packet that reached the SIP checks
 * Counters are cumulative since the rules were loaded; rates come from the difference of two snapshots. Pure.
 */
import { BAN_SET_BASES, CHAINS, hashlimitPrefix, listSetName, recentListName } from "@/lib/rules/names";
import type { Family } from "@/lib/rules/model";

import { rejectLine, splitLines, type RejectedLine } from "./parse-result";

export interface PacketCount {
  packets: number;
  bytes: number;
}

export interface DropCounters {
  blocklist: PacketCount;
  banned: PacketCount;
  geoip: PacketCount;
  scanner: PacketCount;
  rateLimit: PacketCount;
  /** Jumps into RAMPART-FLOOD by cause; they add up to rateLimit once the FLOOD chain's DROP has counted them. */
  rateLimitBy: { register: PacketCount; invite: PacketCount; packetRate: PacketCount };
  /** Packets that entered RAMPART-SIP. */
  sip: PacketCount;
}

export interface CounterReport {
  counters: DropCounters;
  /** Whether RAMPART-INPUT was found at all (false: Rampart's rules are not loaded on this node). */
  hasRampartChains: boolean;
  rejected: RejectedLine[];
}

const zero = (): PacketCount => ({ packets: 0, bytes: 0 });

export function emptyDropCounters(): DropCounters {
  return {
    blocklist: zero(),
    banned: zero(),
    geoip: zero(),
    scanner: zero(),
    rateLimit: zero(),
    rateLimitBy: { register: zero(), invite: zero(), packetRate: zero() },
    sip: zero(),
  };
}

function add(into: PacketCount, count: PacketCount): void {
  into.packets += count.packets;
  into.bytes += count.bytes;
}

/** Both families together (the IPv4 and IPv6 reports of one node). */
export function sumDropCounters(a: DropCounters, b: DropCounters): DropCounters {
  const out = emptyDropCounters();
  for (const c of [a, b]) {
    add(out.blocklist, c.blocklist);
    add(out.banned, c.banned);
    add(out.geoip, c.geoip);
    add(out.scanner, c.scanner);
    add(out.rateLimit, c.rateLimit);
    add(out.rateLimitBy.register, c.rateLimitBy.register);
    add(out.rateLimitBy.invite, c.rateLimitBy.invite);
    add(out.rateLimitBy.packetRate, c.rateLimitBy.packetRate);
    add(out.sip, c.sip);
  }
  return out;
}

/** iptables-save's argument words: whitespace-separated, double quotes group (with backslash escapes). */
function tokenize(rule: string): string[] | null {
  const tokens: string[] = [];
  let i = 0;
  while (i < rule.length) {
    if (rule[i] === " ") {
      i++;
      continue;
    }
    let token = "";
    if (rule[i] === '"') {
      i++;
      while (i < rule.length && rule[i] !== '"') {
        if (rule[i] === "\\" && i + 1 < rule.length) i++;
        token += rule[i];
        i++;
      }
      if (i >= rule.length) return null;
      i++;
    } else {
      while (i < rule.length && rule[i] !== " ") token += rule[i++];
    }
    tokens.push(token);
  }
  return tokens;
}

function valueAfter(tokens: string[], flag: string): string | null {
  const at = tokens.indexOf(flag);
  return at >= 0 && at + 1 < tokens.length ? tokens[at + 1]! : null;
}

/** The --match-set name and whether it is negated ("! --match-set"), or null. */
function matchSet(tokens: string[]): { name: string; isNegated: boolean } | null {
  const at = tokens.indexOf("--match-set");
  if (at < 0 || at + 1 >= tokens.length) return null;
  return { name: tokens[at + 1]!, isNegated: tokens[at - 1] === "!" };
}

const COUNTED_LINE = /^\[(\d{1,20}):(\d{1,20})\] -A (\S+) (.*)$/;
const OWN_CHAINS: ReadonlySet<string> = new Set(Object.values(CHAINS));

/** Drops by reason from one family's `iptables-save -c` output; rules of other chains are ignored. */
export function parseDropCounters(text: string, family: Family): CounterReport {
  const counters = emptyDropCounters();
  const rejected: RejectedLine[] = [];
  const blocklistSets = new Set([listSetName("blocklist", family, "hash:ip"), listSetName("blocklist", family, "hash:net")]);
  const geoSets = new Set([listSetName("geoip", family, "hash:ip"), listSetName("geoip", family, "hash:net")]);
  const banSets = new Set(Object.values(BAN_SET_BASES).map((base) => `${base}${family}`));
  const registerList = recentListName("register", family);
  const inviteList = recentListName("invite", family);
  const hashlimit = hashlimitPrefix(family);
  let table: string | null = null;
  let hasRampartChains = false;

  splitLines(text).forEach((line, index) => {
    if (line.startsWith("*")) {
      table = line.slice(1);
      return;
    }
    if (table !== "filter") return;
    if (line.startsWith(`:${CHAINS.input} `)) hasRampartChains = true;
    if (!line.startsWith("[")) return;
    const m = COUNTED_LINE.exec(line);
    if (!m) {
      rejected.push(rejectLine(index + 1, line, "not “[packets:bytes] -A CHAIN rule”"));
      return;
    }
    const chain = m[3]!;
    if (!OWN_CHAINS.has(chain)) return;
    const tokens = tokenize(m[4]!);
    if (tokens === null) {
      rejected.push(rejectLine(index + 1, line, "unbalanced quotes in the rule"));
      return;
    }
    const count: PacketCount = { packets: Number(m[1]), bytes: Number(m[2]) };
    const target = valueAfter(tokens, "-j");
    const set = matchSet(tokens);

    if (chain === CHAINS.input) {
      if (target === CHAINS.sip) add(counters.sip, count);
      else if (target === "DROP" && set !== null) {
        if (!set.isNegated && blocklistSets.has(set.name)) add(counters.blocklist, count);
        else if (!set.isNegated && banSets.has(set.name)) add(counters.banned, count);
        else if (set.isNegated && geoSets.has(set.name)) add(counters.geoip, count);
      }
    } else if (chain === CHAINS.scan) {
      if (target === "DROP") add(counters.scanner, count);
    } else if (chain === CHAINS.flood) {
      if (target === "DROP") add(counters.rateLimit, count);
    } else if (chain === CHAINS.sip && target === CHAINS.flood) {
      const recent = valueAfter(tokens, "--name");
      if (tokens.includes("recent") && recent === registerList) add(counters.rateLimitBy.register, count);
      else if (tokens.includes("recent") && recent === inviteList) add(counters.rateLimitBy.invite, count);
      else if (valueAfter(tokens, "--hashlimit-name")?.startsWith(hashlimit) === true) add(counters.rateLimitBy.packetRate, count);
    }
  });
  return { counters, hasRampartChains, rejected };
}
