/**
 * The call guard's shared schemas: the account code that ties a tenant to its calls, the guard's settings, and the
 * guard part of the policy snapshot (what lib/guard/render.ts turns into the node's guard policy file). Every value
 * that reaches the node's policy file is a word, digits or a DECIMAL(14,4) string, checked here and again by the
 * node (rampart-guard-agi.sh --check).
 */
import { z } from "zod";

import { ABUSE_RANGES, MONEY_PATTERN } from "@/lib/validation/call-limits";
import { INCREMENT_RANGE, MAX_RATE_LINES } from "@/lib/validation/rates";
import { safeText } from "@/lib/validation/text";

/** Asterisk account codes and PJSIP endpoint names the guard can key on: the node's policy file splits on spaces. */
export const GUARD_WORD_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const ACCOUNT_CODE_HINT = "1 to 40 letters, digits, - or _ (the accountcode of the tenant's endpoints in pjsip.conf).";

export const accountCodeSchema = safeText({ error: "Account code must be text." })
  .trim()
  .regex(GUARD_WORD_PATTERN, { error: `Account code: ${ACCOUNT_CODE_HINT}` });

/** A form's or API's account code: empty or null clears it. */
export const optionalAccountCodeSchema = z.union([z.null(), z.literal("").transform(() => null), accountCodeSchema], {
  // A number or object matches no branch: one message for the field, not zod's "Invalid input".
  error: "Account code must be text or null.",
});

export const CALL_GUARD_OFFLINE_MODES = ["REFUSE_INTERNATIONAL", "ALLOW_CAPPED"] as const;
export type CallGuardOfflineMode = (typeof CALL_GUARD_OFFLINE_MODES)[number];
export const OFFLINE_MODE_TEXT: Readonly<Record<CallGuardOfflineMode, string>> = {
  REFUSE_INTERNATIONAL: "Refuse international calls; decide national ones from the last pushed limits and the node's own spend",
  ALLOW_CAPPED: "Decide every call from the last pushed limits and the node's own spend, with its duration cap",
};

/** What the Call limits page, the API descriptions and the CLI say about enforcement: one wording everywhere. */
export const CALL_GUARD_ENFORCEMENT_TEXT =
  "The call guard on each node checks every outbound call against these limits once it is enabled and pushed; changes take effect with the next push.";
export const CALL_GUARD_OFF_TEXT = "The call guard is off: it records calls but enforces nothing.";

export const CALL_GUARD_RANGES = {
  maxCallSeconds: { min: 60, max: 86_400 },
  staleAfterSeconds: { min: 30, max: 86_400 },
} as const;

const seconds = (what: string, range: { min: number; max: number }) =>
  z.int({ error: `${what} must be a whole number of seconds.` }).min(range.min, { error: `${what}: at least ${range.min} s.` }).max(range.max, { error: `${what}: at most ${range.max} s.` });

export const callGuardSettingsSchema = z.strictObject({
  enabled: z.boolean({ error: "Enabled must be true or false." }),
  offlineMode: z.enum(CALL_GUARD_OFFLINE_MODES, { error: "Offline behaviour must be REFUSE_INTERNATIONAL or ALLOW_CAPPED." }),
  maxCallSeconds: seconds("Longest call", CALL_GUARD_RANGES.maxCallSeconds),
  staleAfterSeconds: seconds("Panel unreachable after", CALL_GUARD_RANGES.staleAfterSeconds),
});
export type CallGuardSettings = z.output<typeof callGuardSettingsSchema>;

// --- the snapshot part ----------------------------------------------------------------------------------------------
const money = z.string().regex(MONEY_PATTERN);
const currency = z.string().regex(/^[A-Z]{3}$/);
const word = z.string().regex(GUARD_WORD_PATTERN);
const increment = z.int().min(INCREMENT_RANGE.min).max(INCREMENT_RANGE.max);

export const GUARD_POLICY_LIMITS = { tenants: 10_000, extensions: 100_000, routes: 1_000, ratesPerRoute: MAX_RATE_LINES } as const;

export const guardRateSchema = z.strictObject({
  prefix: z.string().regex(/^\d{1,20}$/),
  costPerMinute: money,
  connectionFee: money,
  firstIncrement: increment,
  nextIncrement: increment,
});

export const callGuardPolicySchema = z
  .strictObject({
    enabled: z.boolean(),
    offlineMode: z.enum(CALL_GUARD_OFFLINE_MODES),
    maxCallSeconds: z.int().min(CALL_GUARD_RANGES.maxCallSeconds.min).max(CALL_GUARD_RANGES.maxCallSeconds.max),
    staleAfterSeconds: z.int().min(CALL_GUARD_RANGES.staleAfterSeconds.min).max(CALL_GUARD_RANGES.staleAfterSeconds.max),
    abuse: z.strictObject({
      enabled: z.boolean(),
      maxCallsSameNumber: z.int().min(ABUSE_RANGES.maxCallsSameNumber.min).max(ABUSE_RANGES.maxCallsSameNumber.max),
      windowSeconds: z.int().min(ABUSE_RANGES.windowSeconds.min).max(ABUSE_RANGES.windowSeconds.max),
    }),
    tenants: z
      .array(z.strictObject({ accountCode: word, currency, dailyLimit: money.nullable(), monthlyLimit: money.nullable() }))
      .max(GUARD_POLICY_LIMITS.tenants),
    extensions: z.array(z.strictObject({ accountCode: word, extension: word, currency, dailyLimit: money })).max(GUARD_POLICY_LIMITS.extensions),
    routes: z
      .array(z.strictObject({ prefix: z.string().regex(/^\d{1,15}$/), currency, maxCostPerMinute: money, rates: z.array(guardRateSchema).max(GUARD_POLICY_LIMITS.ratesPerRoute) }))
      .max(GUARD_POLICY_LIMITS.routes),
  })
  .superRefine((value, ctx) => {
    const unique = <T>(items: readonly T[], key: (item: T) => string, path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        const k = key(item);
        if (seen.has(k)) ctx.addIssue({ code: "custom", message: `Duplicate ${what} ${k}.`, path: [...path, index] });
        seen.add(k);
      });
    };
    unique(value.tenants, (t) => t.accountCode, ["tenants"], "account code");
    unique(value.extensions, (e) => `${e.accountCode} ${e.extension}`, ["extensions"], "extension");
    unique(value.routes, (r) => r.prefix, ["routes"], "route prefix");
    value.routes.forEach((route, index) => unique(route.rates, (r) => r.prefix, ["routes", index, "rates"], "rate prefix"));
  });
export type CallGuardPolicy = z.output<typeof callGuardPolicySchema>;
