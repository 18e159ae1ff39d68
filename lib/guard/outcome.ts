/**
 * The call guard's decision as the node writes it into the call's CDR userfield (lib/guard/rampart-guard-agi.sh,
 * `answer`), parsed back by the collector: the call record then says what was decided, why, and, for an allowed
 * call, the rate it is billed at, so its cost is computed exactly as the node computed it for its own spend.
 *
 *   rampart-guard allow ACCOUNT EXTENSION NUMBER CURRENCY COST_PER_MINUTE FEE FIRST NEXT CAP RESERVED
 *   rampart-guard refuse REASON ACCOUNT EXTENSION NUMBER
 *   rampart-guard block abuse ACCOUNT EXTENSION NUMBER
 *   rampart-guard off ACCOUNT EXTENSION NUMBER         the guard is switched off: the call was allowed, uncapped
 *
 * Anything else (another application's userfield, a damaged line) is no guard outcome: null.
 */
import { GUARD_WORD_PATTERN } from "@/lib/validation/call-guard";
import { MONEY_PATTERN } from "@/lib/validation/call-limits";
import { INCREMENT_RANGE } from "@/lib/validation/rates";
import { priceCall, type PricedRate } from "@/lib/pricing/price";

/** Why the guard refused a call: the decision's reasons (lib/guard/decide.ts) and the call path's own. */
export const GUARD_REFUSAL_REASONS = [
  "unpriced",
  "route-cost",
  "extension-daily",
  "tenant-daily",
  "tenant-monthly",
  "blocked",
  "offline",
  "currency",
  "no-account",
  "unknown-account",
  "malformed",
] as const;
export type GuardRefusalReason = (typeof GUARD_REFUSAL_REASONS)[number];

/** What each reason means, for the call history and the API description. */
export const GUARD_REASON_TEXT: Readonly<Record<GuardRefusalReason | "abuse" | "off", string>> = {
  unpriced: "No rate of the route prices this number",
  "route-cost": "The destination costs more per minute than the route allows",
  "extension-daily": "The extension's daily limit is reached",
  "tenant-daily": "The tenant's daily limit is reached",
  "tenant-monthly": "The tenant's monthly limit is reached",
  blocked: "The extension is blocked for abuse",
  offline: "The panel is unreachable and international calls are refused then",
  currency: "The limit is kept in another currency than the route's rates",
  "no-account": "The calling endpoint has no account code",
  "unknown-account": "No tenant has the calling endpoint's account code",
  malformed: "The guard could not read its policy or state (refused to be safe)",
  abuse: "Too many calls to one international number: the extension was blocked",
  off: "The call guard is off: allowed without limits",
};

const WORD = GUARD_WORD_PATTERN;
const NUMBER = /^\+?\d{1,32}$/;
const CURRENCY = /^[A-Z]{3}$/;
const WHOLE = /^\d{1,5}$/;

export type GuardOutcome =
  | { outcome: "ALLOW"; reason: null; accountCode: string; extension: string; number: string; currency: string; rate: PricedRate; capSeconds: number; reserved: string }
  | { outcome: "ALLOW"; reason: "off"; accountCode: string; extension: string; number: string }
  | { outcome: "REFUSE"; reason: GuardRefusalReason; accountCode: string; extension: string; number: string }
  | { outcome: "BLOCK"; reason: "abuse"; accountCode: string; extension: string; number: string };

/** The guard's outcome written in a CDR userfield, or null when the field is not one. */
export function parseGuardOutcome(userField: string): GuardOutcome | null {
  const words = userField.split(" ");
  if (words[0] !== "rampart-guard") return null;
  const identity = (at: number) => {
    const [accountCode = "", extension = "", number = ""] = words.slice(at, at + 3);
    // "-" stands for an endpoint without an account code.
    if (!(WORD.test(accountCode) || accountCode === "-") || !WORD.test(extension) || !NUMBER.test(number)) return null;
    return { accountCode, extension, number };
  };
  switch (words[1]) {
    case "off": {
      const who = words.length === 5 ? identity(2) : null;
      return who && { outcome: "ALLOW", reason: "off", ...who };
    }
    case "refuse": {
      const reason = words[2] as GuardRefusalReason;
      const who = words.length === 6 && (GUARD_REFUSAL_REASONS as readonly string[]).includes(reason) ? identity(3) : null;
      return who && { outcome: "REFUSE", reason, ...who };
    }
    case "block": {
      const who = words.length === 6 && words[2] === "abuse" ? identity(3) : null;
      return who && { outcome: "BLOCK", reason: "abuse", ...who };
    }
    case "allow": {
      if (words.length !== 12) return null;
      const who = identity(2);
      const [currency, costPerMinute, connectionFee, first, next, cap, reserved] = words.slice(5) as [string, string, string, string, string, string, string];
      if (who === null || !CURRENCY.test(currency) || !MONEY_PATTERN.test(costPerMinute) || !MONEY_PATTERN.test(connectionFee)) return null;
      if (!WHOLE.test(first) || !WHOLE.test(next) || !WHOLE.test(cap) || !MONEY_PATTERN.test(reserved)) return null;
      const [firstIncrement, nextIncrement] = [Number(first), Number(next)];
      if ([firstIncrement, nextIncrement].some((v) => v < INCREMENT_RANGE.min || v > INCREMENT_RANGE.max)) return null;
      const rate: PricedRate = { prefix: "", costPerMinute, connectionFee, firstIncrement, nextIncrement };
      return { outcome: "ALLOW", reason: null, ...who, currency, rate, capSeconds: Number(cap), reserved };
    }
    default:
      return null;
  }
}

/**
 * An allowed call's cost by its own rate and billed seconds, as the node added it to its spend; else null. A call
 * nobody answered (0 billed seconds) costs nothing, connection fee included: the node's hangup step counts it so.
 */
export function guardCallCost(outcome: GuardOutcome | null, billSeconds: number): { cost: string; currency: string } | null {
  if (outcome === null || outcome.outcome !== "ALLOW" || outcome.reason !== null) return null;
  const rate = billSeconds === 0 ? { ...outcome.rate, connectionFee: "0" } : outcome.rate;
  return { cost: priceCall(rate, billSeconds, outcome.currency).cost, currency: outcome.currency };
}
