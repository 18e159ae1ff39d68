"use client";

import { useId, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { CheckboxField, SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/action-result";
import { parseNetwork } from "@/lib/net/parse";
import { TRUST_SCOPE_INFO, TRUST_SCOPES, type EntryCreateInput } from "@/lib/validation/address-entry";
import { COMMENT_MAX_LENGTH, type TrustScope } from "@/lib/validation/policy";
import type { EntryChangeData } from "./actions";

export interface EntryFormValues {
  network: string;
  comment: string;
  /** Value of the datetime-local input (browser time zone), "" for none. */
  expiresLocal: string;
  /** Whitelist entries: what the entry trusts. */
  scope?: TrustScope;
}

/** The whitelist's scope choice: which scopes this user may pick (ALL is an administrator's). */
export interface ScopeChoice {
  canWriteAll: boolean;
}

/** ISO instant → the datetime-local value in the browser's zone. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function localInputToIso(value: string): string | null | "invalid" {
  if (value === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "invalid" : date.toISOString();
}

interface EntryFormProps {
  initial: EntryFormValues;
  submitLabel: string;
  pendingLabel: string;
  /** Sends the form; the result's field errors are shown under the fields. */
  onSubmit: (input: EntryCreateInput) => Promise<ActionResult<EntryChangeData>>;
  onDone: (data: EntryChangeData) => void;
  onCancel?: () => void;
  /** Clear the fields after a success (adding); keep them (editing). */
  resetOnSuccess?: boolean;
  /** Editing: an unchanged expiry is not sent, so an expired entry stays expired unless its expiry is changed. */
  isEdit?: boolean;
  /** "the blocklist", for the over-broad hint. */
  listName: string;
  autoFocus?: boolean;
  /** Whitelist: show the scope select. */
  scopeChoice?: ScopeChoice;
}

/**
 * Network, comment and expiry of an entry, shared by "add" and "edit". Over-broad networks show a confirmation
 * checkbox as soon as they are typed; "Add anyway" appears when the server reports a covering entry.
 */
export function EntryForm({ initial, submitLabel, pendingLabel, onSubmit, onDone, onCancel, resetOnSuccess = false, isEdit = false, listName, autoFocus, scopeChoice }: EntryFormProps) {
  const [values, setValues] = useState(initial);
  const [confirmBroad, setConfirmBroad] = useState(false);
  const [allowCovered, setAllowCovered] = useState(false);
  const [showAllowCovered, setShowAllowCovered] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const formId = useId();

  const parsed = values.network.trim() === "" ? null : parseNetwork(values.network);
  const isOverBroad = parsed !== null && parsed.ok && parsed.value.isOverBroad && parsed.value.prefixLength > 0;

  function update(field: Exclude<keyof EntryFormValues, "scope">, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (field === "network") {
      setShowAllowCovered(false);
      setAllowCovered(false);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const isExpiryUnchanged = isEdit && values.expiresLocal === initial.expiresLocal;
    const expiresAt = isExpiryUnchanged ? undefined : localInputToIso(values.expiresLocal);
    if (expiresAt === "invalid") {
      setErrors({ expiresAt: ["Enter a valid date and time, or leave it empty."] });
      return;
    }
    setFormError(null);
    startTransition(async () => {
      const result = await onSubmit({
        network: values.network,
        comment: values.comment,
        expiresAt,
        confirmBroad: isOverBroad ? confirmBroad : undefined,
        allowCovered: allowCovered || undefined,
        // Editing: an unchanged scope is not sent.
        scope: scopeChoice && values.scope && !(isEdit && values.scope === initial.scope) ? values.scope : undefined,
      });
      if (result.ok) {
        setErrors({});
        if (resetOnSuccess) {
          setValues(initial);
          setConfirmBroad(false);
        }
        setAllowCovered(false);
        setShowAllowCovered(false);
        onDone(result.data);
        return;
      }
      const fieldErrors = result.fieldErrors ?? {};
      setErrors(fieldErrors);
      if (fieldErrors.allowCovered) setShowAllowCovered(true);
      const hasFieldError = Object.keys(fieldErrors).some((key) => key !== "_form");
      setFormError(hasFieldError ? null : result.error);
    });
  }

  return (
    <form id={formId} onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_minmax(0,13rem)_auto] lg:items-start">
      <TextField
        label="Address or network"
        name="network"
        value={values.network}
        onChange={(e) => update("network", e.target.value)}
        placeholder="192.0.2.0/24 or 2001:db8::1"
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="off"
        required
        autoFocus={autoFocus}
        error={errors.network}
        hint="IPv4 or IPv6, a single address or CIDR."
      />
      <TextField
        label="Comment"
        name="comment"
        value={values.comment}
        onChange={(e) => update("comment", e.target.value)}
        maxLength={COMMENT_MAX_LENGTH}
        placeholder="Why this entry exists"
        error={errors.comment}
        hint={`Optional, up to ${COMMENT_MAX_LENGTH} characters; no quotes, \\, %, $ or backtick.`}
      />
      <TextField
        label="Expires"
        name="expiresLocal"
        type="datetime-local"
        value={values.expiresLocal}
        onChange={(e) => update("expiresLocal", e.target.value)}
        error={errors.expiresAt}
        hint="Optional, in your browser's time zone. Empty: never."
      />
      {scopeChoice ? (
        <SelectField
          className="sm:col-span-2 lg:col-span-3"
          label="Trusts"
          name="scope"
          value={values.scope ?? "SIP"}
          onChange={(e) => setValues((v) => ({ ...v, scope: e.target.value as TrustScope }))}
          error={errors.scope}
          hint={TRUST_SCOPE_INFO[values.scope ?? "SIP"].description}
        >
          {TRUST_SCOPES.map((scope) => (
            <option key={scope} value={scope} disabled={scope === "ALL" && !scopeChoice.canWriteAll && initial.scope !== "ALL"}>
              {scope} — {TRUST_SCOPE_INFO[scope].label}
              {scope === "ALL" && !scopeChoice.canWriteAll ? " (administrators only)" : ""}
            </option>
          ))}
        </SelectField>
      ) : null}
      <div className="flex gap-2 sm:col-span-2 lg:col-span-1 lg:pt-6">
        <SubmitButton isPending={isPending} pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel} disabled={isPending}>
            Cancel
          </Button>
        ) : null}
      </div>
      {isOverBroad || errors.confirmBroad ? (
        <CheckboxField
          className="sm:col-span-2 lg:col-span-4"
          label={`Yes, I mean this broad network${parsed?.ok ? ` (${parsed.value.canonical})` : ""}`}
          hint={`It covers a large share of all addresses; on ${listName} that affects a lot of traffic.`}
          checked={confirmBroad}
          onChange={(e) => setConfirmBroad(e.target.checked)}
          error={errors.confirmBroad}
        />
      ) : null}
      {showAllowCovered ? (
        <CheckboxField
          className="sm:col-span-2 lg:col-span-4"
          label="Add anyway"
          hint="Store this entry although a wider entry already covers it (for example to keep it when the wider one expires)."
          checked={allowCovered}
          onChange={(e) => setAllowCovered(e.target.checked)}
          error={errors.allowCovered}
        />
      ) : null}
      {formError ? (
        <Alert tone="error" className="sm:col-span-2 lg:col-span-4">
          {formError}
        </Alert>
      ) : null}
    </form>
  );
}
