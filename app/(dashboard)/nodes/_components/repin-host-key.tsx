"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { pinHostKeyAction } from "../actions";
import { confirmedFingerprint, HostKeyConfirm, type HostKeyConfirmation } from "./host-key-confirm";

interface RepinHostKeyProps {
  node: { id: string; host: string; port: number; hostKeyFingerprint: string | null };
  /** Open from the start (a host-key alert is waiting for review). */
  hasAlert: boolean;
}

/**
 * Re-pinning after a host-key alert (or a planned key change on the node): fetch what the node presents,
 * compare on the node, confirm, pin. Until then every command to the node stays stopped.
 */
export function RepinHostKey({ node, hasAlert }: RepinHostKeyProps) {
  const router = useRouter();
  // The section's open state is the page's own: refreshing after the pin (the alert is gone then) must not
  // fold it away with the confirmation inside.
  const [isOpen, setIsOpen] = useState(hasAlert);
  const port = String(node.port);
  const [confirmation, setConfirmation] = useState<HostKeyConfirmation | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();
  const fingerprint = confirmedFingerprint(confirmation, node.host, port);

  function pin() {
    if (fingerprint === null) {
      setMessage({ tone: "error", text: "Fetch the host key and confirm that it matches the node first." });
      return;
    }
    startTransition(async () => {
      const result = await pinHostKeyAction(node.id, fingerprint);
      if (result.ok) {
        setMessage({ tone: "success", text: `Pinned ${fingerprint}. Commands to the node may run again.` });
        setConfirmation(null);
        router.refresh();
      } else {
        setMessage({ tone: "error", text: Object.values(result.fieldErrors ?? {}).flat()[0] ?? result.error });
      }
    });
  }

  return (
    <details open={isOpen} onToggle={(e) => setIsOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer text-sm font-medium text-brand-700 dark:text-brand-100">
        {hasAlert ? "Review new host key" : "Re-pin the host key (after re-keying the node)"}
      </summary>
      <div className="mt-3 space-y-3">
        <HostKeyConfirm host={node.host} port={port} pinned={node.hostKeyFingerprint} onConfirmedChange={setConfirmation} />
        <Button onClick={pin} disabled={isPending} aria-busy={isPending || undefined}>
          {isPending ? "Pinning…" : "Pin this host key"}
        </Button>
        {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      </div>
    </details>
  );
}
