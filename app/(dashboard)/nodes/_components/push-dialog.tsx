"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import { Modal } from "@/components/address-list/modal";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { CheckboxField, SelectField, TextField } from "@/components/ui/field";
import { byField, formMessage } from "@/components/ui/form-messages";
import { PUSH_LIMITS, type PushRequestInput } from "@/lib/validation/push";
import { startPushAction } from "../actions";

type TargetKind = "all" | "nodes" | "tag";

interface PushDialogProps {
  nodes: { name: string; enabled: boolean }[];
  tags: string[];
}

/** Whole numbers only; anything else goes to the server as NaN and comes back with the field's message. */
const toNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/**
 * "Push ruleset": which nodes, canary first or not, how many at once, when to stop, and the on-node rollback
 * timer. Starting it opens the push's live page.
 */
export function PushDialog({ nodes, tags }: PushDialogProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<TargetKind>("all");
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();
  const groupId = useId();
  const enabled = nodes.filter((n) => n.enabled);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target: PushRequestInput["target"] =
      kind === "all" ? { kind } : kind === "nodes" ? { kind, names: selected } : { kind, tag: String(form.get("tag") ?? "") };
    const request: PushRequestInput = {
      target,
      canary: form.get("canary") === "on",
      concurrency: toNumber(String(form.get("concurrency") ?? "")),
      failureThreshold: toNumber(String(form.get("failureThreshold") ?? "")),
      timerSeconds: toNumber(String(form.get("timerSeconds") ?? "")),
    };
    startTransition(async () => {
      const result = await startPushAction(request);
      if (result.ok) {
        router.push(`/nodes/pushes/${result.data.batchId}`);
        return;
      }
      setError(formMessage(result.error, result.fieldErrors));
      setFieldErrors(byField(result.fieldErrors));
    });
  }

  function close() {
    setOpen(false);
    setError(null);
    setFieldErrors({});
  }

  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={enabled.length === 0} title={enabled.length === 0 ? "No enabled node to push to" : undefined}>
        Push ruleset
      </Button>
      <Modal
        open={open}
        title="Push the ruleset"
        description="Each node validates the new ruleset, applies it atomically and arms a rollback timer; the push is confirmed over a new connection, or the node restores its previous rules by itself."
        isBusy={isPending}
        onClose={close}
      >
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <fieldset>
            <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Nodes</legend>
            <div className="mt-2 space-y-2">
              {(
                [
                  ["all", `All enabled nodes (${enabled.length})`],
                  ["nodes", "Selected nodes"],
                  ["tag", "Nodes with a tag"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm">
                  <input type="radio" name={`${groupId}-target`} value={value} checked={kind === value} onChange={() => setKind(value)} className="accent-brand-600" />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          {kind === "nodes" ? (
            <fieldset className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-3 dark:border-slate-800">
              <legend className="sr-only">Nodes to push to</legend>
              {enabled.map((node) => (
                <CheckboxField
                  key={node.name}
                  label={node.name}
                  checked={selected.includes(node.name)}
                  onChange={(event) => setSelected((current) => (event.target.checked ? [...current, node.name] : current.filter((n) => n !== node.name)))}
                />
              ))}
              {fieldErrors.target ? <p className="text-sm text-red-700 dark:text-red-400">{fieldErrors.target.join(" ")}</p> : null}
            </fieldset>
          ) : null}
          {kind === "tag" ? (
            tags.length > 0 ? (
              <SelectField label="Tag" name="tag" error={fieldErrors.target}>
                {tags.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
              </SelectField>
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">No node has a tag yet. Add tags in a node&apos;s settings.</p>
            )
          ) : null}
          <CheckboxField
            label="Canary first"
            name="canary"
            defaultChecked
            hint="One node is pushed and confirmed before the others start; if it fails, the others keep their version."
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label="Concurrency"
              name="concurrency"
              inputMode="numeric"
              defaultValue={String(PUSH_LIMITS.concurrency.default)}
              hint={`Nodes at once, ${PUSH_LIMITS.concurrency.min}–${PUSH_LIMITS.concurrency.max}.`}
              error={fieldErrors.concurrency}
            />
            <TextField
              label="Failure threshold"
              name="failureThreshold"
              inputMode="numeric"
              defaultValue={String(PUSH_LIMITS.failureThreshold.default)}
              hint="Failed nodes after which no further node starts."
              error={fieldErrors.failureThreshold}
            />
            <TextField
              label="Rollback timer"
              name="timerSeconds"
              inputMode="numeric"
              unit="s"
              defaultValue={String(PUSH_LIMITS.timerSeconds.default)}
              hint={`${PUSH_LIMITS.timerSeconds.min}–${PUSH_LIMITS.timerSeconds.max} s.`}
              error={fieldErrors.timerSeconds}
            />
          </div>
          {error ? <Alert tone="error">{error}</Alert> : null}
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={close} disabled={isPending}>
              Cancel
            </Button>
            <SubmitButton isPending={isPending} pendingLabel="Starting…">Start push</SubmitButton>
          </div>
        </form>
      </Modal>
    </>
  );
}
