"use client";

import { useState, useTransition, type FormEvent } from "react";

import { Badge } from "@/components/ui/badge";
import { Button, SubmitButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckboxField, SelectField, TextareaField, TextField } from "@/components/ui/field";
import {
  DIGEST_WINDOW_MINUTES,
  MAX_RECIPIENTS,
  SMTP_TLS_LABELS,
  SMTP_TLS_MODES,
  type NotificationFormValues,
} from "@/lib/validation/notifications";

import { FormFooter, FormSection, SaveMessage, useSaveState } from "../../firewall/rate-limits/_components/settings-form-parts";
import { saveNotificationsAction, sendTestEmailAction, type SavedNotifications } from "../actions";

// The Notifications section of the Settings page: SMTP server, sender and recipients, digest window, and a test
// mail. The password is write-only: the page only knows whether one is stored.

interface NotificationsFormProps {
  initial: NotificationFormValues;
  hasPassword: boolean;
}

export function NotificationsForm({ initial, hasPassword: initialHasPassword }: NotificationsFormProps) {
  const [values, setValues] = useState(initial);
  const [hasPassword, setHasPassword] = useState(initialHasPassword);
  const [isDirty, setIsDirty] = useState(false);
  const { isPending, fieldErrors, message, save, clearMessage } = useSaveState<SavedNotifications>("Saved. New bans are mailed as a digest when notifications are on.");
  const [isTesting, startTest] = useTransition();
  const [testMessage, setTestMessage] = useState<{ kind: "saved" | "error"; text: string } | null>(null);

  function set<K extends keyof NotificationFormValues>(key: K, value: NotificationFormValues[K]) {
    setValues((v) => ({ ...v, [key]: value }));
    setIsDirty(true);
    clearMessage();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save(
      () => saveNotificationsAction(values),
      (saved) => {
        setValues(saved.values);
        setHasPassword(saved.hasPassword);
        setIsDirty(false);
      },
    );
  }

  function onTest() {
    setTestMessage(null);
    if (isDirty) {
      setTestMessage({ kind: "error", text: "Save your changes first: the test e-mail uses the saved settings." });
      return;
    }
    startTest(async () => {
      try {
        const result = await sendTestEmailAction();
        setTestMessage(result.ok ? { kind: "saved", text: `Test e-mail sent to ${result.data.recipients.join(", ")}.` } : { kind: "error", text: result.error });
      } catch {
        setTestMessage({ kind: "error", text: "The server could not be reached. Try again." });
      }
    });
  }

  const passwordHint = values.clearPassword
    ? "The stored password will be removed when you save."
    : hasPassword
      ? "A password is stored. Leave the field empty to keep it, or type a new one to replace it."
      : "No password stored. Needed when the server asks for a user name.";

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Notification settings">
      <Card>
        <fieldset disabled={isPending} className="min-w-0">
          <FormSection
            title="E-mail on ban"
            description="New bans from every node are collected into one digest e-mail per window, so an attack wave sends one mail, not hundreds."
          >
            <CheckboxField
              className="sm:col-span-2"
              label="Send ban notifications"
              hint="Needs the SMTP server, the sender and at least one recipient."
              name="enabled"
              checked={values.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
            />
            <TextareaField
              label="Recipients"
              name="recipients"
              rows={3}
              placeholder={"noc@example.com\noncall@example.com"}
              hint={`One address per line or separated by commas; up to ${MAX_RECIPIENTS}.`}
              value={values.recipients}
              onChange={(e) => set("recipients", e.target.value)}
              error={fieldErrors.recipients}
              spellCheck={false}
            />
            <TextField
              label="Digest window"
              unit="minutes"
              name="digestWindowMinutes"
              inputMode="numeric"
              autoComplete="off"
              hint={`At most one e-mail per window: ${DIGEST_WINDOW_MINUTES.min} to ${DIGEST_WINDOW_MINUTES.max} minutes.`}
              value={values.digestWindowMinutes}
              onChange={(e) => set("digestWindowMinutes", e.target.value)}
              error={fieldErrors.digestWindowMinutes}
            />
          </FormSection>

          <FormSection title="SMTP server" description="The mail server Rampart hands the digests to.">
            <TextField
              label="Server"
              name="smtpHost"
              placeholder="smtp.example.com"
              autoComplete="off"
              spellCheck={false}
              hint="Host name or IP address, without a port."
              value={values.smtpHost}
              onChange={(e) => set("smtpHost", e.target.value)}
              error={fieldErrors.smtpHost}
            />
            <TextField
              label="Port"
              name="smtpPort"
              inputMode="numeric"
              autoComplete="off"
              hint="587 for STARTTLS, 465 for TLS, 25 inside trusted networks."
              value={values.smtpPort}
              onChange={(e) => set("smtpPort", e.target.value)}
              error={fieldErrors.smtpPort}
            />
            <SelectField label="Encryption" name="smtpTlsMode" value={values.smtpTlsMode} onChange={(e) => set("smtpTlsMode", e.target.value)} error={fieldErrors.smtpTlsMode}>
              {SMTP_TLS_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {SMTP_TLS_LABELS[mode]}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Sender address"
              type="email"
              name="fromAddress"
              autoComplete="off"
              placeholder="rampart@example.com"
              hint="The From address; one your mail server accepts."
              value={values.fromAddress}
              onChange={(e) => set("fromAddress", e.target.value)}
              error={fieldErrors.fromAddress}
            />
            <TextField
              label="User name"
              name="smtpUser"
              autoComplete="off"
              spellCheck={false}
              hint="Leave empty when the server accepts mail without signing in."
              value={values.smtpUser}
              onChange={(e) => set("smtpUser", e.target.value)}
              error={fieldErrors.smtpUser}
            />
            <div className="space-y-3">
              <TextField
                label={
                  <span className="inline-flex items-center gap-2">
                    Password <Badge tone={hasPassword ? "success" : "neutral"}>{hasPassword ? "set" : "not set"}</Badge>
                  </span>
                }
                type="password"
                name="smtpPassword"
                autoComplete="new-password"
                placeholder={hasPassword ? "•••••••• (unchanged)" : ""}
                hint={passwordHint}
                disabled={values.clearPassword}
                value={values.smtpPassword}
                onChange={(e) => set("smtpPassword", e.target.value)}
                error={fieldErrors.smtpPassword}
              />
              {hasPassword ? (
                <CheckboxField label="Remove the stored password" name="clearPassword" checked={values.clearPassword} onChange={(e) => set("clearPassword", e.target.checked)} />
              ) : null}
            </div>
          </FormSection>
        </fieldset>

        <FormFooter>
          <div className="min-w-0 space-y-1">
            <SaveMessage message={message} />
            <SaveMessage message={testMessage} />
            {fieldErrors._form ? <p className="text-sm text-red-700 dark:text-red-400">{fieldErrors._form.join(" ")}</p> : null}
          </div>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={onTest} disabled={isTesting || isPending} aria-busy={isTesting || undefined}>
              {isTesting ? "Sending…" : "Send test e-mail"}
            </Button>
            <SubmitButton isPending={isPending}>Save notification settings</SubmitButton>
          </div>
        </FormFooter>
      </Card>
    </form>
  );
}
