"use client";

import { useRef, useState } from "react";

// Copying the text of a read-only field (a secret, a public key) with a Copy button, and the line that says
// whether it worked.

type CopyStatusValue = "idle" | "copied" | "failed";

/**
 * Copies `text`. The clipboard API needs a secure context (HTTPS or localhost); on plain HTTP the field's text is
 * selected and copied the old way, and when the browser refuses that too, the text stays selected for Ctrl+C.
 */
export function useCopyText<E extends HTMLInputElement | HTMLTextAreaElement>(text: string) {
  const ref = useRef<E>(null);
  const [status, setStatus] = useState<CopyStatusValue>("idle");

  async function copy() {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        ref.current?.select();
        if (!document.execCommand("copy")) throw new Error("copy refused");
      }
      setStatus("copied");
    } catch {
      ref.current?.select();
      setStatus("failed");
    }
  }

  return { ref, status, copy };
}

/** The outcome of the last copy, announced politely; point the Copy button's aria-describedby at `id`. */
export function CopyStatus({ id, status }: { id: string; status: CopyStatusValue }) {
  return (
    <p id={id} aria-live="polite" className="mt-1 min-h-5 text-xs text-slate-600 dark:text-slate-400">
      {status === "copied" ? "Copied to the clipboard." : status === "failed" ? "Copying is blocked here: the text is selected, press Ctrl+C (⌘C)." : ""}
    </p>
  );
}
