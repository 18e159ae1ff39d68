/**
 * Wording of observed data for the Overview and Node pages: ages ("3 min ago"), remaining ban time, short
 * version hashes. Pure: the caller passes "now", so pages render the same on the server and in tests.
 */

/** "45 s", "3 min", "2 h 5 min", "3 d 4 h": a duration in its two largest units. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "just now" under 5 seconds, else "3 min ago"; "never" for no time. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return "never";
  return seconds < 5 ? "just now" : `${formatDuration(seconds)} ago`;
}

/** Seconds between `at` and `now` (0 if `at` is later); null for no time. */
export function secondsSince(at: Date | string | null, now: Date): number | null {
  if (at === null) return null;
  const time = typeof at === "string" ? Date.parse(at) : at.getTime();
  return Number.isNaN(time) ? null : Math.max(0, Math.round((now.getTime() - time) / 1000));
}

export type Remaining = { kind: "permanent" } | { kind: "unknown" } | { kind: "expired" } | { kind: "left"; seconds: number; text: string };

/**
 * Time left of a ban observed at `observedAt` with the given end: counted from `now`, so old data (an unreachable
 * node) shows what is left today, and a ban that ended since shows as expired.
 */
export function remainingBanTime(ban: { expiresAt: string | null; isPermanent: boolean }, now: Date): Remaining {
  if (ban.isPermanent) return { kind: "permanent" };
  if (ban.expiresAt === null) return { kind: "unknown" };
  const end = Date.parse(ban.expiresAt);
  if (Number.isNaN(end)) return { kind: "unknown" };
  const seconds = Math.round((end - now.getTime()) / 1000);
  return seconds <= 0 ? { kind: "expired" } : { kind: "left", seconds, text: formatDuration(seconds) };
}

/** The first 12 characters of a version hash (what the Nodes pages show). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** "12.5 pkt/s", "0.25 pkt/s", "1,204 pkt/s". */
export function formatRate(perSecond: number): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toLocaleString("en-US", { maximumFractionDigits: digits })} pkt/s`;
}
