"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { CopyStatus, useCopyText } from "@/components/ui/copy-text";

interface SecretBoxProps {
  /** Names the field for assistive technology: "Initial password", "API token". */
  label: string;
  secret: string;
  /** What the reader must know: it is shown once, where to put it. */
  warning: string;
}

/** A secret shown exactly once, in a read-only field with a Copy button. */
export function SecretBox({ label, secret, warning }: SecretBoxProps) {
  const { ref: inputRef, status, copy } = useCopyText<HTMLInputElement>(secret);
  const id = useId();

  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-500/40 dark:bg-amber-500/10">
      <p className="flex items-start gap-2 text-sm font-medium text-amber-900 dark:text-amber-200">
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="mt-0.5 size-5 shrink-0">
          <path strokeLinecap="round" strokeLinejoin="round" d="M12 9v3.75m-9.303 3.376c-.866 1.5.217 3.374 1.948 3.374h14.71c1.73 0 2.813-1.874 1.948-3.374L13.949 3.378c-.866-1.5-3.032-1.5-3.898 0L2.697 16.126ZM12 15.75h.007v.008H12v-.008Z" />
        </svg>
        <span>{warning}</span>
      </p>
      <label htmlFor={id} className="mt-3 block text-sm font-medium text-slate-900 dark:text-slate-100">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input
          ref={inputRef}
          id={id}
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <Button variant="secondary" onClick={copy} aria-describedby={`${id}-copy-status`}>
          <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5}>
            <path strokeLinecap="round" strokeLinejoin="round" d="M15.75 17.25v3.375c0 .621-.504 1.125-1.125 1.125h-9.75a1.125 1.125 0 0 1-1.125-1.125V7.875c0-.621.504-1.125 1.125-1.125H6.75a9.06 9.06 0 0 1 1.5.124m7.5 10.376h3.375c.621 0 1.125-.504 1.125-1.125V11.25c0-4.46-3.243-8.161-7.5-9.077V5.25a1.125 1.125 0 0 1-1.125 1.125h-1.5m7.5 10.875h-3.375c-.621 0-1.125-.504-1.125-1.125v-6.75a1.125 1.125 0 0 1 1.125-1.125H15.75" />
          </svg>
          Copy
        </Button>
      </div>
      <CopyStatus id={`${id}-copy-status`} status={status} />
    </div>
  );
}
