"use client";

import { SubmitButton } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { CALL_GUARD_OFFLINE_MODES, CALL_GUARD_RANGES, OFFLINE_MODE_TEXT, type CallGuardSettings } from "@/lib/validation/call-guard";
import { RadioGroup } from "../../firewall/exposure/_components/radio-group";
import { saveCallGuardSettingsAction } from "../actions";
import { useFormAction } from "./use-form-action";

const OFFLINE_OPTIONS = CALL_GUARD_OFFLINE_MODES.map((mode) => ({ value: mode, label: OFFLINE_MODE_TEXT[mode] }));

export function CallGuardForm({ settings }: { settings: CallGuardSettings }) {
  const [state, onSubmit, isPending] = useFormAction(saveCallGuardSettingsAction);
  const { maxCallSeconds: longest, staleAfterSeconds: stale } = CALL_GUARD_RANGES;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Call guard">
      <CheckboxField
        name="enabled"
        role="switch"
        label="Enforce the call limits on the nodes"
        hint="On: each node refuses a call over a limit, or caps its duration to the budget left. Off: the guard records calls but enforces nothing."
        defaultChecked={settings.enabled}
        error={fieldError(state, "enabled")}
      />
      <RadioGroup
        name="offlineMode"
        legend="When the panel is unreachable"
        description="What a node's guard does when the cluster spend it last received from the panel is older than the time below: its own spend is all it knows then."
        options={OFFLINE_OPTIONS}
        defaultValue={settings.offlineMode}
        error={fieldError(state, "offlineMode")}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="maxCallSeconds"
          label="Longest call"
          unit="seconds"
          inputMode="numeric"
          required
          autoComplete="off"
          defaultValue={String(settings.maxCallSeconds)}
          hint={`The cap of a call no budget limits; ${longest.min} to ${longest.max} (one day). 14400 is four hours.`}
          error={fieldError(state, "maxCallSeconds")}
        />
        <TextField
          name="staleAfterSeconds"
          label="Panel unreachable after"
          unit="seconds"
          inputMode="numeric"
          required
          autoComplete="off"
          defaultValue={String(settings.staleAfterSeconds)}
          hint={`Without fresh cluster spend for this long, a node uses the behaviour above; ${stale.min} to ${stale.max}.`}
          error={fieldError(state, "staleAfterSeconds")}
        />
      </div>
      <FormMessage
        state={state}
        success="Call guard settings saved. They reach the nodes with the next push."
        fields={["enabled", "offlineMode", "maxCallSeconds", "staleAfterSeconds"]}
      />
      <div className="flex justify-end">
        <SubmitButton isPending={isPending}>Save call guard</SubmitButton>
      </div>
    </form>
  );
}
