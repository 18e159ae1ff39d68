/**
 * The ban digest e-mail: every ban event recorded since the last digest, in one message, so an attack wave
 * sends one mail instead of hundreds. Pure and deterministic: no clock, no I/O; the caller passes the events
 * (already read, possibly capped) and the total count. Every field comes from validated columns (inet
 * addresses, fail2ban jail names, node slugs, ISO country codes), and the subject is one line.
 */

export interface DigestBan {
  address: string;
  country: string | null;
  jail: string;
  node: string;
  bannedAt: Date;
}

export interface BanDigestInput {
  /** The events to list (the DAL may pass only the first `limit` of them). */
  bans: DigestBan[];
  /** Every new event since the last digest; defaults to bans.length. */
  totalCount?: number;
  /** Start of the period covered (the previous digest), or null for the first digest. */
  since: Date | null;
  until: Date;
  /** Most ban lines in the body; the rest are summed up as "and N more". */
  limit?: number;
  /** Where the Bans page is, for a link at the end. */
  bansPageUrl?: string | null;
}

export interface BanDigest {
  subject: string;
  text: string;
  /** Bans in the digest (totalCount). */
  count: number;
}

export const DEFAULT_DIGEST_LIMIT = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2026-11-21 14:05:09 UTC": one unambiguous form, whatever the reader's zone. */
export function formatDigestTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function byTimeThenAddress(a: DigestBan, b: DigestBan): number {
  return a.bannedAt.getTime() - b.bannedAt.getTime() || a.address.localeCompare(b.address) || a.node.localeCompare(b.node) || a.jail.localeCompare(b.jail);
}

/** The digest message, or null when there is nothing new (no mail is sent then). */
export function buildBanDigest(input: BanDigestInput): BanDigest | null {
  const total = Math.max(input.totalCount ?? input.bans.length, input.bans.length);
  if (total === 0) return null;
  const limit = Math.max(1, Math.trunc(input.limit ?? DEFAULT_DIGEST_LIMIT));
  const sorted = [...input.bans].sort(byTimeThenAddress);
  const listed = sorted.slice(0, limit);

  const addresses = new Set(sorted.map((b) => b.address));
  const nodes = new Set(sorted.map((b) => b.node));
  // Distinct counts are exact only when every event was passed; otherwise say "at least".
  const isComplete = sorted.length === total;
  const atLeast = isComplete ? "" : "at least ";

  const only = sorted.length === 1 && total === 1 ? sorted[0]! : null;
  const subject = only
    ? `[Rampart] New ban: ${only.address} (${only.jail} on ${only.node})`
    : `[Rampart] ${plural(total, "new ban")} of ${atLeast}${plural(addresses.size, "address", "addresses")} on ${atLeast}${plural(nodes.size, "node")}`;

  const period = input.since ? `between ${formatDigestTime(input.since)} and ${formatDigestTime(input.until)}` : `up to ${formatDigestTime(input.until)}`;
  const lines: string[] = [
    `Rampart recorded ${plural(total, "new ban")} ${period}.`,
    "",
    "Time (UTC)           Address                                  Country  Jail                 Node",
  ];
  for (const ban of listed) {
    lines.push(
      [
        formatDigestTime(ban.bannedAt).replace(" UTC", "").padEnd(20),
        ban.address.padEnd(40),
        (ban.country ?? "--").padEnd(7),
        ban.jail.padEnd(20),
        ban.node,
      ].join(" "),
    );
  }
  const rest = total - listed.length;
  if (rest > 0) lines.push(`…and ${rest} more.`);
  lines.push("");
  if (input.bansPageUrl) lines.push(`Review and lift bans: ${input.bansPageUrl}`);
  lines.push("You get at most one of these digests per digest window; change it under Settings → Notifications.");
  return { subject, text: `${lines.join("\n")}\n`, count: total };
}
