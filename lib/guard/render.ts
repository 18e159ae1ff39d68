/**
 * The Asterisk side of the call guard, rendered with the ruleset and pushed with it (same staged validate → apply →
 * confirm → automatic rollback; the agent installs it in /var/lib/rampart/guard, reloads the dialplan and checks
 * that Asterisk loaded this very version, else restores the previous guard):
 *
 *   guard/policy                    every limit, route and rate, one checked line each (format: rampart-guard-agi.sh
 *                                   check_policy)
 *   guard/extensions_rampart.conf   the [rampart-guard] subroutine outbound routes Gosub, and its hangup handler
 *   guard/rampart-guard-agi.sh      the call path (AGI): gathers the decision's input, records spend and blocks
 *   guard/rampart-guard.sh          the decision (the same as lib/guard/decide.ts, property-tested)
 *   guard/guard-lib.sh              the number parsing both scripts share
 *
 * Pure and deterministic: equal policies give equal files (the scripts are lib/guard/scripts.ts, generated from the
 * .sh files).
 */
import { createHash } from "node:crypto";

import { currencyMinorUnitDigits } from "@/lib/pricing/price";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { callGuardPolicySchema, type CallGuardPolicy } from "@/lib/validation/call-guard";

import { GUARD_SCRIPTS } from "./scripts";

/** Where the agent installs the active guard on a node: the dialplan's include and AGI paths name it. */
export const NODE_GUARD_DIR = "/var/lib/rampart/guard";

export const GUARD_ARTEFACTS = {
  policy: ARTEFACT_PATHS.guardPolicy,
  dialplan: ARTEFACT_PATHS.guardDialplan,
  agi: ARTEFACT_PATHS.guardAgi,
  decision: ARTEFACT_PATHS.guardDecision,
  lib: ARTEFACT_PATHS.guardLib,
} as const;

/** The one line operators add to an outbound route, before its Dial, with the number as it goes to the trunk. */
export const GUARD_GOSUB = "Gosub(rampart-guard,s,1(${NUMBER}))";


const OFFLINE: Record<CallGuardPolicy["offlineMode"], string> = { REFUSE_INTERNATIONAL: "refuse-international", ALLOW_CAPPED: "allow-capped" };

/** The policy file without its version line (the version is the digest of the rest). */
function policyBody(policy: CallGuardPolicy): string[] {
  const amount = (value: string | null) => value ?? "none";
  const lines = [
    `enabled=${policy.enabled ? 1 : 0}`,
    `offline=${OFFLINE[policy.offlineMode]}`,
    `stale_after=${policy.staleAfterSeconds}`,
    `max_call_seconds=${policy.maxCallSeconds}`,
    `abuse=${policy.abuse.enabled ? `${policy.abuse.maxCallsSameNumber} ${policy.abuse.windowSeconds}` : "off"}`,
  ];
  for (const t of policy.tenants) lines.push(`tenant=${t.accountCode} ${t.currency} ${currencyMinorUnitDigits(t.currency)} ${amount(t.dailyLimit)} ${amount(t.monthlyLimit)}`);
  for (const e of policy.extensions) lines.push(`extension=${e.accountCode} ${e.extension} ${e.currency} ${e.dailyLimit}`);
  for (const r of policy.routes) lines.push(`route=${r.prefix} ${r.currency} ${currencyMinorUnitDigits(r.currency)} ${r.maxCostPerMinute}`);
  for (const r of policy.routes) {
    for (const rate of r.rates) lines.push(`rate=${r.prefix} ${rate.prefix} ${rate.costPerMinute} ${rate.connectionFee} ${rate.firstIncrement} ${rate.nextIncrement}`);
  }
  return lines;
}

export function renderGuardDialplan(version: string): string {
  const agi = `${NODE_GUARD_DIR}/rampart-guard-agi.sh`;
  return [
    `; Rendered by Rampart: the call guard, version ${version}. Do not edit: every push replaces this file.`,
    `; extensions.conf includes it (#include "${NODE_GUARD_DIR}/extensions_rampart.conf"), and every outbound route`,
    "; runs the guard before its Dial, with the number as it goes to the trunk:",
    `;   same => n,${GUARD_GOSUB}`,
    "; A refused call is rejected with cause 21 (SIP 403) and its reason is in the call's CDR userfield; an allowed call",
    "; is hung up by Asterisk at its cap (TIMEOUT(absolute)), and its hangup handler adds its cost to the node's spend.",
    "[rampart-guard]",
    `exten => s,1,NoOp(rampart-guard ${version})`,
    " same => n,Set(RAMPART_GUARD_RESULT=)",
    " same => n,Set(RAMPART_GUARD_NUMBER=${FILTER(0-9+,${ARG1})})",
    ` same => n,AGI(${agi},decide,\${RAMPART_GUARD_NUMBER},\${CHANNEL(endpoint)},\${EPOCH})`,
    ' same => n,GotoIf($["${RAMPART_GUARD_RESULT}" = "allow"]?allow)',
    " same => n,Verbose(1,rampart-guard refused ${RAMPART_GUARD_NUMBER} for ${CHANNEL(endpoint)}: ${RAMPART_GUARD_REASON})",
    " same => n,Hangup(21)",
    " same => n(allow),Set(CHANNEL(hangup_handler_push)=rampart-guard-end,s,1)",
    " same => n,ExecIf($[0${RAMPART_GUARD_CAP} > 0]?Set(TIMEOUT(absolute)=${RAMPART_GUARD_CAP}))",
    " same => n,Return()",
    "",
    "[rampart-guard-end]",
    `exten => s,1,AGI(${agi},end,\${CDR(billsec)})`,
    " same => n,Return()",
    "",
  ].join("\n");
}

export interface RenderedGuard {
  /** Artefact path → content (GUARD_ARTEFACTS). */
  files: Record<string, string>;
  /** What the dialplan's first priority names and the agent checks after the reload. */
  version: string;
}

/** The guard's artefacts; throws on a policy the shared schema refuses (the compiler validated it already). */
export function renderGuard(policy: CallGuardPolicy): RenderedGuard {
  const valid = callGuardPolicySchema.parse(policy);
  const { agi, decision, lib } = GUARD_SCRIPTS;
  const body = policyBody(valid);
  const version = createHash("sha256")
    .update([...body, agi, decision, lib].join("\n"), "utf8")
    .digest("hex")
    .slice(0, 16);
  const policyText = ["rampart-guard-policy=1", `version=${version}`, ...body, "end=1"].map((line) => `${line}\n`).join("");
  return {
    version,
    files: {
      [GUARD_ARTEFACTS.policy]: policyText,
      [GUARD_ARTEFACTS.dialplan]: renderGuardDialplan(version),
      [GUARD_ARTEFACTS.agi]: agi,
      [GUARD_ARTEFACTS.decision]: decision,
      [GUARD_ARTEFACTS.lib]: lib,
    },
  };
}
