/**
 * Parser for xt_recent lists, `/proc/net/xt_recent/<name>`. Real lines (kernel 6.x, samples in ./fixtures):
 *
 *   src=198.18.0.4 ttl: 64 last_seen: 4295007326 oldest_pkt: 3 4295007326, 4295007326, 4295007326
 *   src=2001:0db8:0018:0000:0000:0000:0000:0000 ttl: 64 last_seen: 4295015687 oldest_pkt: 3 4295015687, …
 *
 * `last_seen` and the packet stamps are jiffies; the stamps are the source's remembered hits (capped by the
 * module's ip_pkt_list_tot), `oldest_pkt` an index into that ring. Converting jiffies to an age needs the
 * node's current jiffies (`jiffies:` in /proc/timer_list) and HZ, which the caller passes when it has them.
 * Pure; addresses go through lib/net/parse, lines that do not parse are reported and never passed on.
 */
import type { IpFamily } from "@/lib/net/parse";

import { LineRejection, parseMatchingLines, type Parsed } from "./parse-result";
import { parseSourceAddress } from "./source-address";

export interface RecentEntry {
  /** Canonical host, or network when the rule masks sources (see RecentOptions.sourcePrefixLength). */
  address: string;
  family: IpFamily;
  ttl: number;
  lastSeenJiffies: number;
  /** Hits the kernel remembers for the source (the packet stamps listed). */
  hitCount: number;
  /** Seconds since the last hit; null unless the node's jiffies and HZ were given. */
  lastSeenSecondsAgo: number | null;
}

export interface RecentOptions {
  /** The node's current jiffies and HZ, to turn last_seen into an age. */
  clock?: { jiffiesNow: number; hz: number };
  /** The rule's --mask as a prefix length; default a host. */
  sourcePrefixLength?: number;
}

const LINE = /^src=([0-9A-Fa-f.:]+) ttl: (\d{1,3}) last_seen: (\d{1,20}) oldest_pkt: (\d{1,6})((?: \d{1,20},?)*)$/;

/** Entries of one xt_recent list, most hits first (ties by address). */
export function parseRecentList(text: string, options: RecentOptions = {}): Parsed<RecentEntry> {
  const { items, rejected } = parseMatchingLines(text, LINE, "src=… ttl: … last_seen: … oldest_pkt: …", (m): RecentEntry | LineRejection => {
    const [, sourceText, ttlText, lastSeenText, , stampsText] = m as unknown as string[];
    const source = parseSourceAddress(sourceText!, options.sourcePrefixLength);
    if (!source.ok) return new LineRejection(source.reason);
    const { address, family } = source;
    const stamps = stampsText!.split(",").map((s) => s.trim()).filter(Boolean);
    const lastSeenJiffies = Number(lastSeenText);
    const clock = options.clock;
    const lastSeenSecondsAgo = clock && clock.hz > 0 ? Math.max(0, Math.round((clock.jiffiesNow - lastSeenJiffies) / clock.hz)) : null;
    return { address, family, ttl: Number(ttlText), lastSeenJiffies, hitCount: stamps.length, lastSeenSecondsAgo };
  });
  items.sort((a, b) => b.hitCount - a.hitCount || a.address.localeCompare(b.address));
  return { items, rejected };
}

/** The `jiffies:` value of /proc/timer_list (the first one: all CPUs share it); null when absent. */
export function parseTimerListJiffies(text: string): number | null {
  const m = /^jiffies: (\d{1,20})$/m.exec(text);
  return m ? Number(m[1]) : null;
}
