/**
 * Parser for xt_hashlimit's table, `/proc/net/ipt_hashlimit/<name>` (IPv4) and `/proc/net/ip6t_hashlimit/<name>`
 * (IPv6). Real lines (kernel 6.x, samples in ./fixtures):
 *
 *   0 198.18.0.4:0->0.0.0.0:0 48378511622144 274877906000000 2748779060000
 *   0 2001:0db8:0018:0000:0000:0000:0000:0000:0->0000:0000:0000:0000:0000:0000:0000:0000:0 2748779069440 274877906000000 13743895300000
 *
 * Columns: seconds until the entry expires, source:port->destination:port (IPv6 written in full, masked by
 * --hashlimit-srcmask), credit, credit_cap and cost in the kernel's internal scaled units, so only the ratio
 * credit / credit_cap means something: the share of the burst a source has left. Pure; addresses go through
 * lib/net/parse, lines that do not parse are reported and never passed on.
 */
import type { IpFamily } from "@/lib/net/parse";

import { LineRejection, parseMatchingLines, type Parsed } from "./parse-result";
import { parseSourceAddress } from "./source-address";

/** A source below this share of its burst is about to be limited. */
export const NEAR_LIMIT_PERCENT = 20;

export interface HashlimitEntry {
  /** Canonical host, or network when the rule masks sources (IPv6 /64: "2001:db8:18::/64"). */
  address: string;
  family: IpFamily;
  /** credit / credit_cap × 100, two decimals. */
  tokensLeftPercent: number;
  isNearLimit: boolean;
  expiresInSeconds: number;
}

export interface HashlimitOptions {
  /** The rule's --hashlimit-srcmask for this family (lib/rules: 32 for IPv4, 64 for IPv6); default a host. */
  sourcePrefixLength?: number;
  nearLimitPercent?: number;
}

// Greedy address parts backtrack to the last ":port", so IPv6's own colons stay in the address.
const LINE = /^(-?\d{1,12}) ([0-9A-Fa-f.:]+):(\d{1,5})->([0-9A-Fa-f.:]+):(\d{1,5}) (\d{1,30}) (\d{1,30}) (\d{1,30})$/;

/** Entries of one hashlimit table, fewest tokens left first (ties by address). */
export function parseHashlimit(text: string, options: HashlimitOptions = {}): Parsed<HashlimitEntry> {
  const nearLimit = options.nearLimitPercent ?? NEAR_LIMIT_PERCENT;
  const { items, rejected } = parseMatchingLines(text, LINE, "expiry src:port->dst:port credit credit_cap cost", (m): HashlimitEntry | LineRejection => {
    const [, expiryText, sourceText, , , , creditText, capText] = m as unknown as string[];
    const source = parseSourceAddress(sourceText!, options.sourcePrefixLength);
    if (!source.ok) return new LineRejection(source.reason);
    const { address, family } = source;
    const credit = BigInt(creditText!);
    const cap = BigInt(capText!);
    if (cap === 0n || credit > cap) return new LineRejection("credit is not within 0..credit_cap");
    // BigInt: the scaled units exceed 2^53 for slow rates with large bursts.
    const tokensLeftPercent = Number((credit * 10_000n) / cap) / 100;
    return {
      address,
      family,
      tokensLeftPercent,
      isNearLimit: tokensLeftPercent < nearLimit,
      expiresInSeconds: Math.max(0, Number(expiryText)),
    };
  });
  items.sort((a, b) => a.tokensLeftPercent - b.tokensLeftPercent || a.address.localeCompare(b.address));
  return { items, rejected };
}
