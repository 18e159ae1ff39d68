"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { CopyStatus, useCopyText } from "@/components/ui/copy-text";

/** The public key to put in the node's authorized_keys, with a Copy button. */
export function PublicKeyBox({ publicKey, user }: { publicKey: string; user: string }) {
  const { ref, status, copy } = useCopyText<HTMLTextAreaElement>(publicKey);
  const id = useId();

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
      <CopyStatus id={`${id}-status`} status={status} />
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
