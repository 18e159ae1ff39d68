"use client";

import Link from "next/link";
import { useState, useTransition, type FormEvent, type ReactNode } from "react";

import { SubmitButton } from "@/components/ui/button";
import type { FieldErrors } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";

// Pieces shared by the policy settings forms (rate limits, fail2ban, GeoIP, ports, scanners, notifications): the
// save cycle that keeps the user's input on error, the saved / error message, the read-only note, a titled
// section and the bar with the messages and the buttons.

export interface SaveState<R> {
  isPending: boolean;
  fieldErrors: FieldErrors;
  message: { kind: "saved" | "error"; text: string } | null;
  /** Runs the action; on success calls onSaved with the stored value (the form shows it as saved). */
  save: (run: () => Promise<ActionResult<R>>, onSaved?: (data: R) => void) => void;
  /** Hides a stale "Saved" once the user edits again. */
  clearMessage: () => void;
}

export function useSaveState<R>(savedText = "Saved. The nodes get the change with the next deployment."): SaveState<R> {
  const [isPending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<SaveState<R>["message"]>(null);

  function save(run: () => Promise<ActionResult<R>>, onSaved?: (data: R) => void) {
    setMessage(null);
    startTransition(async () => {
      try {
        const result = await run();
        if (result.ok) {
          setFieldErrors({});
          onSaved?.(result.data);
          setMessage({ kind: "saved", text: savedText });
        } else {
          setFieldErrors(result.fieldErrors ?? {});
          setMessage({ kind: "error", text: result.error });
        }
      } catch {
        setMessage({ kind: "error", text: "The server could not be reached. Nothing was saved; try again." });
      }
    });
  }

  return { isPending, fieldErrors, message, save, clearMessage: () => setMessage((m) => (m?.kind === "saved" ? null : m)) };
}

/**
 * A form over one flat value object that the action stores and returns as saved: `set` edits one value (and
 * hides a stale "Saved"), `onSubmit` saves the whole object unless the caller may only read.
 */
export function useSettingsForm<V extends object>(initial: V, canWrite: boolean, saveValues: (values: V) => Promise<ActionResult<V>>) {
  const [values, setValues] = useState(initial);
  const saveState = useSaveState<V>();

  function set<K extends keyof V>(key: K, value: V[K]) {
    setValues((v) => ({ ...v, [key]: value }));
    saveState.clearMessage();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canWrite) return;
    saveState.save(() => saveValues(values), setValues);
  }

  return { ...saveState, values, set, onSubmit };
}

/** The outcome of the last save, under the form. */
export function SaveMessage({ message }: { message: SaveState<unknown>["message"] }) {
  // Both regions are always present, so screen readers announce the text when it appears.
  return (
    <>
      <p role="status" className={message?.kind === "saved" ? "text-sm font-medium text-emerald-700 dark:text-emerald-400" : "sr-only"}>
        {message?.kind === "saved" ? message.text : ""}
      </p>
      <p role="alert" className={message?.kind === "error" ? "text-sm font-medium text-red-700 dark:text-red-400" : "sr-only"}>
        {message?.kind === "error" ? message.text : ""}
      </p>
    </>
  );
}

export function ReadOnlyNote({ what }: { what: string }) {
  return (
    <p className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
      You can view {what}; changes need the Operator or Administrator role.
    </p>
  );
}

export function DeployNote() {
  return (
    <p className="text-xs text-slate-500 dark:text-slate-400">
      Saved settings reach the nodes with the next{" "}
      <Link href="/rulesets" className="font-medium text-brand-700 underline-offset-2 hover:underline dark:text-brand-100">
        ruleset deployment
      </Link>
      .
    </p>
  );
}

/** The bar under a settings form: messages (and notes) on one side, the buttons on the other. */
export function FormFooter({ children }: { children: ReactNode }) {
  return (
    <div className="flex flex-col gap-3 border-t border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6 dark:border-slate-800">
      {children}
    </div>
  );
}

interface PolicyFormFooterProps {
  message: SaveState<unknown>["message"];
  isPending: boolean;
  /** Without write access the form is read-only and has no Save button. */
  canWrite: boolean;
  submitLabel: string;
  /** Say that saved settings reach the nodes with the next deployment (not for settings that need none). */
  hasDeployNote?: boolean;
}

/** The footer of a policy form: the save message (with the deployment note) and Save. */
export function PolicyFormFooter({ message, isPending, canWrite, submitLabel, hasDeployNote = true }: PolicyFormFooterProps) {
  return (
    <FormFooter>
      <div className={hasDeployNote ? "min-w-0 space-y-1" : "min-w-0"}>
        <SaveMessage message={message} />
        {hasDeployNote ? <DeployNote /> : null}
      </div>
      {canWrite ? <SubmitButton isPending={isPending}>{submitLabel}</SubmitButton> : null}
    </FormFooter>
  );
}

/** A titled group of fields inside a form card (a fieldset, so its title also names the fields in it). */
export function FormSection({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <div className="border-t border-slate-200 px-4 py-5 first:border-t-0 sm:px-6 dark:border-slate-800">
      <fieldset className="min-w-0">
        <legend className="text-base font-semibold">{title}</legend>
        {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
        <div className="mt-4 grid gap-4 sm:grid-cols-2">{children}</div>
      </fieldset>
    </div>
  );
}
