/**
 * The line the panel appends to its sign-in log (DEFAULT_LOG_PATHS.panelAuth) on a failed sign-in; the
 * rampart-web fail2ban filter (fail2ban/filters.ts) matches it.
 *
 *   2025-01-31T12:00:00.000Z rampart-panel: failed sign-in from 192.0.2.1 account alice@example.com
 *
 * The client address always directly follows "failed sign-in from ", in lib/net canonical form. The account name the client typed
 * comes last and is percent-encoded down to [A-Za-z0-9._+@-], so it can contain no space, line break or
 * quote: it can neither start a forged line nor stand where the filter reads the address.
 */
import { parseHostAddress } from "@/lib/net/parse";

const ACCOUNT_SAFE = /[A-Za-z0-9._+@-]/;
const MAX_ACCOUNT_LENGTH = 254;

function encodeAccount(account: string): string {
  let out = "";
  for (const ch of account.slice(0, MAX_ACCOUNT_LENGTH)) {
    if (ACCOUNT_SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out === "" ? "-" : out;
}

/**
 * One log line (without the trailing newline) for a failed sign-in from `ip` at `at`; argv- and log-safe.
 * `ip` may be IPv4-mapped IPv6 as Node reports dual-stack clients ("::ffff:192.0.2.1"): it is written as the
 * IPv4 address, the form the firewall sees. Throws TypeError for anything that is not an IP address.
 */
export function formatFailedSignInLogLine(ip: string, at: Date, email?: string | null): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const parsed = parseHostAddress(mapped?.[1] ?? ip);
  if (!parsed.ok) throw new TypeError(`formatFailedSignInLogLine: not an IP address: ${parsed.error}`);
  const time = at.getTime();
  if (!Number.isFinite(time)) throw new TypeError("formatFailedSignInLogLine: invalid date.");
  return `${new Date(time).toISOString()} rampart-panel: failed sign-in from ${parsed.value.canonical} account ${encodeAccount(email ?? "")}`;
}
