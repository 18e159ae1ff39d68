"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { byField, formMessage } from "@/components/ui/form-messages";
import { replaceNodeKeyAction } from "../actions";
import { KeyFields } from "./key-fields";

/** Replace the node's private key; the old one is overwritten (put the new public key on the node first). */
export function ReplaceKeyForm({ nodeId, user }: { nodeId: string; user: string }) {
  const router = useRouter();
  const [formKey, setFormKey] = useState(0);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await replaceNodeKeyAction(nodeId, form);
      if (result.ok) {
        setMessage({ tone: "success", text: "The key was replaced. Test the connection to make sure the node accepts it." });
        setFieldErrors({});
        setFormKey((k) => k + 1);
        router.refresh();
      } else {
        setMessage({ tone: "error", text: formMessage(result.error, result.fieldErrors) });
        setFieldErrors(byField(result.fieldErrors));
      }
    });
  }

  return (
    <form key={formKey} onSubmit={onSubmit} noValidate className="space-y-4">
      <KeyFields user={user} error={fieldErrors.privateKey ?? fieldErrors.keySource} />
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <SubmitButton variant="secondary" isPending={isPending} pendingLabel="Replacing…">Replace key</SubmitButton>
    </form>
  );
}
