"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { liftBlockAction } from "../actions";

function liftedMessage(nodes: { updated: number; pending: number }): string {
  if (nodes.pending === 0) return "Block lifted.";
  return `Block lifted. ${nodes.pending} of ${nodes.updated + nodes.pending} nodes could not be reached now and get it with their next poll.`;
}

/**
 * Lift behind a confirmation. Rendered on every row, so the outcome stays in view after the page reloads the row as
 * lifted (the button is gone then, the message is not).
 */
export function LiftBlockButton({ block }: { block: { id: string; extension: string; accountCode: string; number: string; isOpen: boolean } }) {
  const [isConfirming, setIsConfirming] = useState(false);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  function lift() {
    startTransition(async () => {
      const result = await liftBlockAction(block.id);
      setIsConfirming(false);
      setMessage(result.ok ? { tone: "success", text: liftedMessage(result.data.nodes) } : { tone: "error", text: result.error });
    });
  }

  return (
    <>
      {block.isOpen ? (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setIsConfirming(true)}
          disabled={isPending}
          aria-label={`Lift block of extension ${block.extension} (account code ${block.accountCode})`}
        >
          Lift block
        </Button>
      ) : null}
      {message ? (
        <span
          role={message.tone === "error" ? "alert" : "status"}
          className={`ml-2 text-xs whitespace-normal ${message.tone === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}
        >
          {message.text}
        </span>
      ) : null}
      <ConfirmDialog
        open={isConfirming}
        title={`Lift the block of extension ${block.extension}?`}
        description={`The call guard blocked it for calling ${block.number} too often. Once lifted, every node lets the extension call again within its limits; if the calls were fraud, they can start again.`}
        confirmLabel="Lift block"
        isDestructive
        isPending={isPending}
        onConfirm={lift}
        onCancel={() => setIsConfirming(false)}
      />
    </>
  );
}
