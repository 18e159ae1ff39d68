/**
 * The one quoting function of lib/rules. Every free-text value that reaches a rendered file (ipset comments,
 * iptables --string and --log-prefix arguments, fail2ban action arguments) goes through it.
 *
 * It does not escape: values were allow-listed by lib/validation/policy.ts, and this function re-checks the
 * union of those allow-lists and throws on anything else, so a value that slipped past validation stops the
 * render instead of reaching a node. Inside double quotes, iptables-restore, ipset restore and fail2ban's
 * action-argument parser all read the remaining characters literally.
 */

/** Printable ASCII without `"` `'` `\` `%` `$` backtick (the union of the comment, signature and e-mail allow-lists). */
const QUOTABLE = /^[\x20\x21\x23\x26\x28-\x5B\x5D-\x5F\x61-\x7E]*$/;

/** Longest quoted value: ipset comments hold 255 bytes; iptables comments and prefixes less, checked by callers. */
const MAX_QUOTED_LENGTH = 255;

export class UnsafeValueError extends Error {
  constructor(what: string) {
    super(`Refusing to render ${what}: it contains characters outside the allow-list.`);
    this.name = "UnsafeValueError";
  }
}

/** Returns `"value"`; throws UnsafeValueError unless value is allow-listed text. Argv-safe for all three formats. */
export function quoteValue(value: string, what = "a value"): string {
  if (typeof value !== "string" || value.length > MAX_QUOTED_LENGTH || !QUOTABLE.test(value)) {
    throw new UnsafeValueError(what);
  }
  return `"${value}"`;
}
