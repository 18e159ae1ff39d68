"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { formMessage } from "@/components/ui/form-messages";
import { TOKEN_LIFETIME_DAYS } from "@/lib/validation/auth";
import { updateTokenSettingsAction } from "../actions";

/** The administrator's token lifetime: the longest a new token may live, and its expiry by default. */
export function TokenSettingsForm({ lifetimeDays }: { lifetimeDays: number }) {
  const [value, setValue] = useState(String(lifetimeDays));
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await updateTokenSettingsAction(form);
      if (result.ok) {
        setMessage({ tone: "success", text: `New tokens now expire after at most ${result.data.lifetimeDays} days.` });
        setFieldErrors({});
      } else {
        setMessage({ tone: "error", text: formMessage(result.error, result.fieldErrors) });
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <TextField
        label="Token lifetime"
        name="lifetimeDays"
        type="number"
        inputMode="numeric"
        min={TOKEN_LIFETIME_DAYS.min}
        max={TOKEN_LIFETIME_DAYS.max}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        unit="days"
        hint="How long a new token may live at most; a token created without an expiry gets exactly this. Existing tokens keep their expiry."
        error={fieldErrors.lifetimeDays}
        className="max-w-xs"
      />
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <SubmitButton isPending={isPending} pendingLabel="Saving…">Save lifetime</SubmitButton>
    </form>
  );
}
