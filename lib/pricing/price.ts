/**
 * Prices a call from a route's rate table: the longest matching prefix of the number picks the rate, the billing
 * increments turn the call's duration into billed seconds, and the rate turns those into money.
 *
 * Pure and deterministic (no clock, no environment, no I/O), and exact: amounts stay decimal strings at the edges
 * and BigInt counts of 1/10,000 inside (the DECIMAL(14,4) rates are stored in), so no binary float ever holds
 * money. The one rounding is the last step, to the currency's minor unit, half up:
 *
 *   cost = connection fee + cost per minute × billed seconds / 60, rounded to the minor unit (half up)
 *   billed = 0 for a call of 0 s; else the first increment, then whole next increments until the call is covered
 *
 * The call guard on the nodes prices calls by the same rules (lib/guard).
 */

/** What pricing needs of a rate (a narrow model, not a database row). */
export interface PricedRate {
  prefix: string;
  /** Decimal string, at most 4 decimal places. */
  costPerMinute: string;
  /** Decimal string, at most 4 decimal places. */
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
}

export interface CallPrice {
  durationSeconds: number;
  billedSeconds: number;
  /** The cost rounded half up to the currency's minor unit, as a decimal string ("0.13", "15" for JPY). */
  cost: string;
  /** Decimal places of the currency's minor unit (2 for EUR, 0 for JPY, 3 for BHD). */
  minorUnitDigits: number;
}

/** Decimal places of amounts as rates store them. */
export const RATE_SCALE = 4;
const SCALE_FACTOR = 10n ** BigInt(RATE_SCALE);
const DECIMAL_PATTERN = /^(\d+)(?:\.(\d+))?$/;

/** "12.5" → 125000n at 4 places: exact; throws on text that is not a non-negative decimal of at most `places` decimals. */
export function toScaledInteger(text: string, places = RATE_SCALE): bigint {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match || (match[2] ?? "").length > places) throw new RangeError(`Not a decimal amount of at most ${places} places: "${text}".`);
  return BigInt(match[1]! + (match[2] ?? "").padEnd(places, "0"));
}

/** 125000n at 4 places → "12.5000": exact, with exactly `places` decimals. */
export function fromScaledInteger(value: bigint, places: number): string {
  if (value < 0n) throw new RangeError("Amounts are never negative.");
  const digits = value.toString().padStart(places + 1, "0");
  return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** numerator / denominator rounded half up (both non-negative, denominator positive). */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** Every leading part of the number, longest first: the prefixes a rate must have to match it. */
export function prefixesOf(number: string, maxLength = 20): string[] {
  const out: string[] = [];
  for (let length = Math.min(number.length, maxLength); length >= 1; length--) out.push(number.slice(0, length));
  return out;
}

/** The rate whose prefix is the longest leading part of the number, or null; deterministic for unique prefixes. */
export function findLongestPrefixRate<T extends { prefix: string }>(rates: readonly T[], number: string): T | null {
  let best: T | null = null;
  for (const rate of rates) {
    if (rate.prefix !== "" && number.startsWith(rate.prefix) && (best === null || rate.prefix.length > best.prefix.length)) best = rate;
  }
  return best;
}

/** Seconds billed for a call of `durationSeconds`: 0 for 0, else the first increment plus whole next increments. */
export function billedSeconds(durationSeconds: number, firstIncrement: number, nextIncrement: number): number {
  if (!Number.isSafeInteger(durationSeconds) || durationSeconds < 0) throw new RangeError("The duration must be a whole number of seconds, 0 or more.");
  if (!Number.isSafeInteger(firstIncrement) || firstIncrement < 1 || !Number.isSafeInteger(nextIncrement) || nextIncrement < 1) {
    throw new RangeError("Increments must be whole numbers of seconds, 1 or more.");
  }
  if (durationSeconds === 0) return 0;
  if (durationSeconds <= firstIncrement) return firstIncrement;
  return firstIncrement + Math.ceil((durationSeconds - firstIncrement) / nextIncrement) * nextIncrement;
}

/** Decimal places of the currency's minor unit as the runtime's ISO 4217 data has it (2 when it does not know). */
export function currencyMinorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The price of a call of `durationSeconds` at `rate` in `currency`: exact until one half-up rounding to the minor unit. */
export function priceCall(rate: PricedRate, durationSeconds: number, currency: string): CallPrice {
  const billed = billedSeconds(durationSeconds, rate.firstIncrement, rate.nextIncrement);
  const minorUnitDigits = currencyMinorUnitDigits(currency);
  // cost × 60 × 10^4 = fee × 60 × 10^4 + costPerMinute × 10^4 × billed, all whole numbers.
  const numerator = toScaledInteger(rate.connectionFee) * 60n + toScaledInteger(rate.costPerMinute) * BigInt(billed);
  const denominator = 60n * SCALE_FACTOR;
  const minorUnits = divideRoundHalfUp(numerator * 10n ** BigInt(minorUnitDigits), denominator);
  return { durationSeconds, billedSeconds: billed, cost: fromScaledInteger(minorUnits, minorUnitDigits), minorUnitDigits };
}
