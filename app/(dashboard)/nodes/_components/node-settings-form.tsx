"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { byField, formMessage } from "@/components/ui/form-messages";
import { updateNodeAction } from "../actions";
import { confirmedFingerprint, HostKeyConfirm, type HostKeyConfirmation } from "./host-key-confirm";

interface NodeSettingsFormProps {
  node: { id: string; name: string; host: string; port: number; user: string; tags: string[]; managementAddress: string | null; enabled: boolean };
}

/** Edit a node. A new host or port may be another machine: its host key must be fetched and confirmed again. */
export function NodeSettingsForm({ node }: NodeSettingsFormProps) {
  const router = useRouter();
  const [host, setHost] = useState(node.host);
  const [port, setPort] = useState(String(node.port));
  const [confirmation, setConfirmation] = useState<HostKeyConfirmation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();
  const isAddressChange = host.trim() !== node.host || port.trim() !== String(node.port);
  const fingerprint = isAddressChange ? confirmedFingerprint(confirmation, host, port) : null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    if (isAddressChange && fingerprint === null) {
      setError("The address changed: fetch the host key at the new address and confirm it before saving.");
      return;
    }
    if (fingerprint) form.set("hostKeyFingerprint", fingerprint);
    startTransition(async () => {
      const result = await updateNodeAction(node.id, form);
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        setSaved(true);
        if (result.data.name !== node.name) router.replace(`/nodes/${result.data.name}`);
        router.refresh();
        return;
      }
      setError(formMessage(result.error, result.fieldErrors));
      setFieldErrors(byField(result.fieldErrors));
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" name="name" required defaultValue={node.name} autoComplete="off" spellCheck={false} error={fieldErrors.name} />
        <TextField label="Tags" name="tags" defaultValue={node.tags.join(", ")} autoComplete="off" spellCheck={false} hint="Comma-separated." error={fieldErrors.tags} />
        <TextField label="Host" name="host" required value={host} onChange={(e) => setHost(e.target.value)} autoComplete="off" spellCheck={false} error={fieldErrors.host} />
        <TextField label="Port" name="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} autoComplete="off" error={fieldErrors.port} />
        <TextField label="SSH user" name="user" required defaultValue={node.user} autoComplete="off" spellCheck={false} error={fieldErrors.user} />
        <TextField
          label="Management address"
          name="managementAddress"
          defaultValue={node.managementAddress ?? ""}
          autoComplete="off"
          spellCheck={false}
          hint="Leave empty for none."
          error={fieldErrors.managementAddress}
        />
      </div>
      <CheckboxField label="Enabled" name="enabled" defaultChecked={node.enabled} hint="Disabled nodes are left out of every push." />
      {isAddressChange ? <HostKeyConfirm host={host} port={port} onConfirmedChange={setConfirmation} error={fieldErrors.hostKeyFingerprint} /> : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {saved ? <Alert tone="success">Saved.</Alert> : null}
      <SubmitButton isPending={isPending}>Save changes</SubmitButton>
    </form>
  );
}
