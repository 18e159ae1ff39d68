import { GUARD_REASON_TEXT } from "@/lib/guard/outcome";

/**
 * What a call guard reason stored on a call record means (lib/guard/outcome.ts), for the Calls page and
 * `rampart calls list`; a reason this release does not know (written by a newer node) is shown as written.
 */
export function guardReasonText(reason: string): string {
  return Object.hasOwn(GUARD_REASON_TEXT, reason) ? GUARD_REASON_TEXT[reason as keyof typeof GUARD_REASON_TEXT] : reason;
}
