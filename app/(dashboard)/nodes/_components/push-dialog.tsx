"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Modal } from "@/components/address-list/modal";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { CheckboxField, SelectField, TextField } from "@/components/ui/field";
import { byField, formMessage } from "@/components/ui/form-messages";
import { PUSH_LIMITS, type PushRequestInput } from "@/lib/validation/push";
import { startPushAction } from "../actions";
import { NodeTargetPicker } from "./node-target-picker";

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
          <NodeTargetPicker
            kinds={[
              ["all", `All enabled nodes (${enabled.length})`],
              ["nodes", "Selected nodes"],
              ["tag", "Nodes with a tag"],
            ]}
            kind={kind}
            onKind={setKind}
            names={enabled.map((node) => node.name)}
            selected={selected}
            onSelected={setSelected}
            nodesLegend="Nodes to push to"
            nodesFooter={fieldErrors.target ? <p className="text-sm text-red-700 dark:text-red-400">{fieldErrors.target.join(" ")}</p> : null}
          />
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
