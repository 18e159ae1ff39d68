"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { PushRequestInput } from "@/lib/validation/push";
import { startPushAction } from "@/app/(dashboard)/nodes/actions";
import { NodeTargetPicker } from "@/app/(dashboard)/nodes/_components/node-target-picker";

interface RollbackVersionProps {
  hash: string;
  shortHash: string;
  storedAt: string;
  author: string;
  /** Enabled nodes, by name. */
  nodeNames: string[];
  /** Nodes running the version now: the chosen nodes to start from. */
  runningOn: string[];
}

/**
 * "Roll back to this version": the existing push (validation on the node, canary first, the on-node rollback
 * timer) of this stored version to all enabled nodes or the chosen ones; starting it opens the push's live page.
 */
export function RollbackVersion({ hash, shortHash, storedAt, author, nodeNames, runningOn }: RollbackVersionProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<"all" | "nodes">("all");
  const [selected, setSelected] = useState<string[]>(runningOn.filter((name) => nodeNames.includes(name)));
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function confirm() {
    const target: PushRequestInput["target"] = kind === "all" ? { kind } : { kind, names: selected };
    setError(null);
    startTransition(async () => {
      const result = await startPushAction({ target, version: hash });
      if (result.ok) {
        router.push(`/nodes/pushes/${result.data.batchId}`);
        return;
      }
      // No field of the push request is on this dialog: the message says what was refused.
      setError(result.error);
    });
  }

  function close() {
    setOpen(false);
    setError(null);
  }

  const targetText = kind === "all" ? `all ${nodeNames.length} enabled node${nodeNames.length === 1 ? "" : "s"}` : selected.length === 0 ? "no node yet" : selected.join(", ");
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={() => setOpen(true)}
        disabled={nodeNames.length === 0}
        aria-label={`Roll back to ${shortHash}`}
        title={nodeNames.length === 0 ? "No enabled node to push to" : undefined}
      >
        Roll back to this version
      </Button>
      <ConfirmDialog
        open={open}
        title={`Roll back to version ${shortHash}?`}
        description={
          <>
            Pushes version <code className="font-mono">{shortHash}</code> (stored {storedAt} by {author}) to {targetText}. Each node validates it, applies it
            atomically and restores its previous rules by itself unless the push is confirmed; with several nodes, one goes first as the canary.
          </>
        }
        confirmLabel={`Roll back to ${shortHash}`}
        isDestructive
        isPending={isPending}
        onConfirm={confirm}
        onCancel={close}
      >
        <div className="space-y-3">
          <NodeTargetPicker
            kinds={[
              ["all", `All enabled nodes (${nodeNames.length})`],
              ["nodes", "Chosen nodes"],
            ]}
            kind={kind}
            onKind={setKind}
            names={nodeNames}
            selected={selected}
            onSelected={setSelected}
            nodesLegend="Nodes to roll back"
          />
        </div>
        {error ? (
          <Alert tone="error" className="mt-3">
            {error}
          </Alert>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
