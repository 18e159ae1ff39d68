"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import type { ListTarget } from "@/lib/lists/targets";
import { createEntryAction } from "./actions";
import { EntryForm, type ScopeChoice } from "./entry-form";

/** The "add" form above a list, with the outcome (and any conflict notice) announced under it. */
export function AddEntry({ target, listName, scopeChoice }: { target: ListTarget; listName: string; scopeChoice?: ScopeChoice }) {
  const router = useRouter();
  const [done, setDone] = useState<{ network: string; notices: string[] } | null>(null);
  return (
    <div className="space-y-3">
      <EntryForm
        initial={{ network: "", comment: "", expiresLocal: "", ...(scopeChoice ? { scope: scopeChoice.canWriteAll ? "ALL" : "SIP" } : {}) }}
        scopeChoice={scopeChoice}
        submitLabel="Add"
        pendingLabel="Adding…"
        resetOnSuccess
        listName={listName}
        onSubmit={(input) => {
          setDone(null);
          return createEntryAction(target, input);
        }}
        onDone={(data) => {
          setDone({ network: data.entry.network, notices: data.notices });
          router.refresh();
        }}
      />
      {done ? (
        <Alert tone="success" as="div" className="space-y-1">
          <p>
            Added <span className="font-mono">{done.network}</span> to {listName}.
          </p>
          {done.notices.map((notice) => (
            <p key={notice} className="text-amber-800 dark:text-amber-200">
              {notice}
            </p>
          ))}
        </Alert>
      ) : null}
    </div>
  );
}
