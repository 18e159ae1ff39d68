"use client";

import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * The public key to put in the node's authorized_keys, with a Copy button. The clipboard API needs a secure
 * context (HTTPS or localhost); on plain HTTP the text is selected and copied the old way.
 */
export function PublicKeyBox({ publicKey, user }: { publicKey: string; user: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  const id = useId();

  async function copy() {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(publicKey);
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

  const account = user || "the SSH user";
  return (
    <div className="rounded-lg border border-brand-200 bg-brand-50 p-4 dark:border-brand-500/30 dark:bg-brand-500/10">
      <label htmlFor={id} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        Public key
      </label>
      <div className="mt-1 flex gap-2">
        <textarea
          ref={ref}
          id={id}
          readOnly
          rows={2}
          value={publicKey}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full min-w-0 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs break-all text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <Button variant="secondary" onClick={copy} aria-describedby={`${id}-status`}>
          Copy
        </Button>
      </div>
      <p id={`${id}-status`} aria-live="polite" className="mt-1 min-h-5 text-xs text-slate-600 dark:text-slate-400">
        {status === "copied" ? "Copied to the clipboard." : status === "failed" ? "Copying is blocked here: the text is selected, press Ctrl+C (⌘C)." : ""}
      </p>
      <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
        Before testing the connection, append this line to <code className="font-mono">~/.ssh/authorized_keys</code> of {account} on the node
        (the file must belong to that user, mode 0600), for example as that user:
      </p>
      <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
        {`mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo '${publicKey}' >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys`}
      </pre>
    </div>
  );
}
