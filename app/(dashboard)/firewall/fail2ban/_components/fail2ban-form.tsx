"use client";

import Link from "next/link";

import { Card } from "@/components/ui/card";
import { CheckboxField, TextField } from "@/components/ui/field";
import { DEFAULT_LOG_PATHS, FAIL2BAN_RANGES } from "@/lib/validation/policy";
import { describeRange, describeSeconds, parseIntegerText, type Fail2banFormValues } from "@/lib/validation/settings";

import { FormSection, PolicyFormFooter, useSettingsForm } from "../../rate-limits/_components/settings-form-parts";
import { saveFail2banAction } from "../actions";

type Recidive = Fail2banFormValues["recidive"];

/** The range of a seconds field with the current value in words. */
function secondsHint(range: { min: number; max: number }, text: string, extra = ""): string {
  const value = parseIntegerText(text);
  const now = typeof value === "number" && Number.isInteger(value) && value > 0 ? ` Now: ${describeSeconds(value)}.` : "";
  return `${describeRange(range)} seconds (up to ${describeSeconds(range.max)}).${extra}${now}`;
}

const numeric = { inputMode: "numeric" as const, autoComplete: "off" };

export function Fail2banForm({ initial, canWrite }: { initial: Fail2banFormValues; canWrite: boolean }) {
  const { values, set, onSubmit, isPending, fieldErrors, message } = useSettingsForm(initial, canWrite, saveFail2banAction);
  const setRecidive = (patch: Partial<Recidive>) => set("recidive", { ...values.recidive, ...patch });

  const r = FAIL2BAN_RANGES;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Fail2ban settings">
      <Card>
        <fieldset disabled={!canWrite || isPending} className="min-w-0">
          <FormSection title="Jails" description="Each jail bans a source on every port it watches, on the node where the failures happened.">
            <CheckboxField
              label="VoIP jail"
              hint="Failed SIP registrations and calls in Asterisk's security log."
              name="voipJailEnabled"
              checked={values.voipJailEnabled}
              onChange={(e) => set("voipJailEnabled", e.target.checked)}
            />
            <CheckboxField
              label="Web-interface jail"
              hint={`The PBX's own web interfaces: failed FreePBX administration and UCP logins (${DEFAULT_LOG_PATHS.freepbxSecurity}) and HTTP authentication failures of its Apache (${DEFAULT_LOG_PATHS.webServerError}). Bans apply to the web ports only; the panel throttles its own sign-in itself.`}
              name="webJailEnabled"
              checked={values.webJailEnabled}
              onChange={(e) => set("webJailEnabled", e.target.checked)}
            />
          </FormSection>

          <FormSection title="Bans" description="A source that fails this many times within the find time is banned for the ban time.">
            <TextField
              label="Max retry"
              unit="failures"
              hint={`${describeRange(r.maxRetry)} failures.`}
              name="maxRetry"
              value={values.maxRetry}
              onChange={(e) => set("maxRetry", e.target.value)}
              error={fieldErrors.maxRetry}
              {...numeric}
            />
            <TextField
              label="Find time"
              unit="seconds"
              hint={secondsHint(r.findTimeSeconds, values.findTimeSeconds)}
              name="findTimeSeconds"
              value={values.findTimeSeconds}
              onChange={(e) => set("findTimeSeconds", e.target.value)}
              error={fieldErrors.findTimeSeconds}
              {...numeric}
            />
            <TextField
              label="Ban time"
              unit="seconds"
              hint={secondsHint(r.banTimeSeconds, values.banTimeSeconds, " First offences are never permanent, so a customer with a mistyped password recovers alone.")}
              name="banTimeSeconds"
              value={values.banTimeSeconds}
              onChange={(e) => set("banTimeSeconds", e.target.value)}
              error={fieldErrors.banTimeSeconds}
              {...numeric}
            />
          </FormSection>

          <FormSection
            title="Repeat offenders"
            description="Escalation (the recidive jail): a source banned this many times within its find time is banned again, for longer, on every port."
          >
            <CheckboxField
              className="sm:col-span-2"
              label="Escalate bans for repeat offenders"
              name="recidive.enabled"
              checked={values.recidive.enabled}
              onChange={(e) => setRecidive({ enabled: e.target.checked })}
            />
            <TextField
              label="Bans before escalation"
              unit="bans"
              hint={`${describeRange(r.recidiveMaxRetry)} bans.`}
              name="recidive.maxRetry"
              value={values.recidive.maxRetry}
              onChange={(e) => setRecidive({ maxRetry: e.target.value })}
              error={fieldErrors["recidive.maxRetry"]}
              {...numeric}
            />
            <TextField
              label="Repeat find time"
              unit="seconds"
              hint={secondsHint(r.recidiveFindTimeSeconds, values.recidive.findTimeSeconds)}
              name="recidive.findTimeSeconds"
              value={values.recidive.findTimeSeconds}
              onChange={(e) => setRecidive({ findTimeSeconds: e.target.value })}
              error={fieldErrors["recidive.findTimeSeconds"]}
              {...numeric}
            />
            <div className="space-y-3">
              <TextField
                label="Repeat ban time"
                unit="seconds"
                hint={
                  values.recidive.isPermanent
                    ? "Repeat offenders stay banned until someone lifts the ban."
                    : secondsHint(r.recidiveBanTimeSeconds, values.recidive.banTimeSeconds, " Longer than the first ban time.")
                }
                name="recidive.banTimeSeconds"
                value={values.recidive.isPermanent ? "" : values.recidive.banTimeSeconds}
                placeholder={values.recidive.isPermanent ? "permanent" : undefined}
                disabled={values.recidive.isPermanent}
                onChange={(e) => setRecidive({ banTimeSeconds: e.target.value })}
                error={fieldErrors["recidive.banTimeSeconds"]}
                {...numeric}
              />
              <CheckboxField
                label="Ban repeat offenders permanently"
                name="recidive.isPermanent"
                checked={values.recidive.isPermanent}
                onChange={(e) => setRecidive({ isPermanent: e.target.checked })}
              />
            </div>
          </FormSection>

          {/* fail2ban's own mail action (sendmail-whois on every node) is gone: the panel mails bans as digests. */}
          <p className="border-t border-slate-200 px-4 py-4 text-sm text-slate-600 sm:px-6 dark:border-slate-800 dark:text-slate-400">
            Ban e-mails are sent by the panel (
            <Link href="/settings" className="font-medium text-brand-700 underline-offset-2 hover:underline dark:text-brand-100">
              Settings → Notifications
            </Link>
            ), as a digest; nodes need no mail tools.
          </p>
        </fieldset>

        <PolicyFormFooter message={message} isPending={isPending} canWrite={canWrite} submitLabel="Save fail2ban settings" />
      </Card>
    </form>
  );
}
