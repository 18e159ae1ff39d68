/**
 * The call guard's input file in TypeScript: the format lib/guard/rampart-guard.sh reads, which the node's call path
 * (rampart-guard-agi.sh) writes for each call; the tests feed the model's inputs to the script through this.
 *
 * One key=value line each, in exactly this order, each line ending in \n; the script refuses anything else:
 *
 *   rampart-guard=1                          format version
 *   now=UNIX_SECONDS
 *   number=+?DIGITS                          as given, after the outbound prefix was stripped
 *   minor_unit_digits=0..4                   of the route's currency
 *   max_call_seconds=1..86400
 *   rate=none | COST_PER_MINUTE CONNECTION_FEE FIRST NEXT
 *   route_max_cost_per_minute=none | AMOUNT
 *   extension_daily=none | LIMIT SPENT
 *   tenant_daily=none | LIMIT SPENT
 *   tenant_monthly=none | LIMIT SPENT
 *   abuse=off | MAX_CALLS_SAME_NUMBER WINDOW_SECONDS
 *   call=this RESERVED | call=other RESERVED  0 … 1,000 lines: calls in progress (this extension's / another's)
 *   start=UNIX_SECONDS NUMBER                 0 … 1,000 lines: this extension's recent call starts
 *   end=1                                    so a file cut short anywhere is refused
 *
 * Amounts are DECIMAL(14,4) strings. Deterministic: the same input gives the same bytes.
 */
import { checkGuardInput, DEFAULT_MAX_CALL_SECONDS, type GuardBudget, type GuardInput } from "@/lib/guard/decide";
import { currencyMinorUnitDigits } from "@/lib/pricing/price";

/** The guard file for one decision: throws (as decideCall does) on an input outside the guard's limits. */
export function renderGuardFile(input: GuardInput): string {
  checkGuardInput(input);
  const budget = (value: GuardBudget | null) => (value === null ? "none" : `${value.limit} ${value.spent}`);
  const rate = input.rate;
  const lines = [
    "rampart-guard=1",
    `now=${input.now}`,
    `number=${input.number}`,
    `minor_unit_digits=${currencyMinorUnitDigits(input.currency)}`,
    `max_call_seconds=${input.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS}`,
    `rate=${rate === null ? "none" : `${rate.costPerMinute} ${rate.connectionFee} ${rate.firstIncrement} ${rate.nextIncrement}`}`,
    `route_max_cost_per_minute=${input.routeMaxCostPerMinute ?? "none"}`,
    `extension_daily=${budget(input.extensionDaily)}`,
    `tenant_daily=${budget(input.tenantDaily)}`,
    `tenant_monthly=${budget(input.tenantMonthly)}`,
    `abuse=${input.abuse.enabled ? `${input.abuse.maxCallsSameNumber} ${input.abuse.windowSeconds}` : "off"}`,
    ...input.callsInProgress.map((call) => `call=${call.isThisExtension ? "this" : "other"} ${call.reserved}`),
    ...input.recentStarts.map((start) => `start=${start.at} ${start.number}`),
    "end=1",
  ];
  return lines.map((line) => `${line}\n`).join("");
}
