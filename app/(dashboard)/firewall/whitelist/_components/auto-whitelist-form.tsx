"use client";

import { useState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import type { AutoWhitelistSettingsView } from "@/lib/db/queries/auto-whitelist";
import { AUTO_WHITELIST_TTL, describeSeconds, parseIntegerText } from "@/lib/validation/settings";
import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { saveAutoWhitelistAction } from "../actions";

/** The TTL in words under the field, as typed. */
function ttlHint(text: string): string {
  const value = parseIntegerText(text);
  const now = typeof value === "number" && Number.isInteger(value) && value > 0 ? ` Now: ${describeSeconds(value)}.` : "";
  return `${AUTO_WHITELIST_TTL.min} to ${AUTO_WHITELIST_TTL.max.toLocaleString("en-US")} seconds (1 minute to 30 days) after the phone's last successful registration.${now}`;
}

/** Switch and TTL of the auto-whitelist; read-only for everyone but administrators. */
export function AutoWhitelistForm({ initial, canWrite }: { initial: AutoWhitelistSettingsView; canWrite: boolean }) {
  const [state, onSubmit, isPending] = useFormAction(saveAutoWhitelistAction);
  const [ttl, setTtl] = useState(String(initial.ttlSeconds));
  const saved = state?.ok ? state.data : initial;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Auto-whitelist registered phones">
      <fieldset disabled={!canWrite || isPending} className="min-w-0 space-y-4">
        <CheckboxField
          name="isEnabled"
          label="Auto-whitelist registered phones"
          hint="Each address a phone registers from successfully is added to the whitelist with scope SIP."
          defaultChecked={initial.isEnabled}
          error={fieldError(state, "isEnabled")}
        />
        <TextField
          name="ttlSeconds"
          label="Time to live"
          unit="seconds"
          inputMode="numeric"
          autoComplete="off"
          value={ttl}
          onChange={(e) => setTtl(e.target.value)}
          hint={ttlHint(ttl)}
          error={fieldError(state, "ttlSeconds")}
        />
      </fieldset>
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="auto-whitelist-count">
        {saved.activeEntries.toLocaleString("en-US")} auto-whitelisted {saved.activeEntries === 1 ? "address" : "addresses"} in force now
        {saved.isEnabled ? "." : " (off: they stay until they expire)."}
      </p>
      <FormMessage state={state} success="Auto-whitelist saved. The change reaches the nodes with the next push." fields={["isEnabled", "ttlSeconds"]} />
      {canWrite ? (
        <div className="flex justify-end">
          <SubmitButton isPending={isPending}>Save</SubmitButton>
        </div>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">Only an administrator can change this setting.</p>
      )}
    </form>
  );
}
