"use client";

import { SubmitButton } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { ABUSE_RANGES } from "@/lib/validation/call-limits";
import { saveAbuseDetectionAction } from "../actions";
import { useFormAction } from "./use-form-action";

interface AbuseDetectionFormProps {
  settings: { enabled: boolean; maxCallsSameNumber: number; windowSeconds: number };
}

export function AbuseDetectionForm({ settings }: AbuseDetectionFormProps) {
  const [state, onSubmit, isPending] = useFormAction(saveAbuseDetectionAction);
  const { maxCallsSameNumber: calls, windowSeconds: windowRange } = ABUSE_RANGES;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Abuse detection">
      <CheckboxField
        name="enabled"
        label="Block extensions that call one international number again and again"
        hint="Toll fraud typically dials the same premium-rate number many times in a row."
        defaultChecked={settings.enabled}
        error={fieldError(state, "enabled")}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="maxCallsSameNumber"
          label="More than"
          unit="calls"
          inputMode="numeric"
          required
          autoComplete="off"
          defaultValue={String(settings.maxCallsSameNumber)}
          hint={`To the same international number; ${calls.min} to ${calls.max}.`}
          error={fieldError(state, "maxCallsSameNumber")}
        />
        <TextField
          name="windowSeconds"
          label="Within"
          unit="seconds"
          inputMode="numeric"
          required
          autoComplete="off"
          defaultValue={String(settings.windowSeconds)}
          hint={`${windowRange.min} to ${windowRange.max} (one day); ${windowRange.default} is five minutes.`}
          error={fieldError(state, "windowSeconds")}
        />
      </div>
      <FormMessage state={state} success="Abuse detection saved." fields={["enabled", "maxCallsSameNumber", "windowSeconds"]} />
      <div className="flex justify-end">
        <SubmitButton isPending={isPending}>Save abuse detection</SubmitButton>
      </div>
    </form>
  );
}
