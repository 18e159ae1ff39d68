"use client";

import Link from "next/link";
import { useState, useTransition, type ReactNode } from "react";

import type { ActionResult } from "@/lib/action-result";

// Pieces shared by the policy settings forms (rate limits, fail2ban, GeoIP, ports, scanners): the save cycle
// that keeps the user's input on error, the saved / error message, the read-only note and a titled section.

export type FieldErrors = Record<string, string[]>;

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

/** The messages of a field, nested fields ("notify.email") by their dotted path. */
export function errorsFor(fieldErrors: FieldErrors, name: string): string[] | undefined {
  return fieldErrors[name];
}

export function FormMessage({ message }: { message: SaveState<unknown>["message"] }) {
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
