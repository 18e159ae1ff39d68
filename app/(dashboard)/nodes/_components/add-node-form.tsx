"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { ButtonLink, SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { byField, formMessage } from "@/components/ui/form-messages";
import { createNodeAction } from "../actions";
import { confirmedFingerprint, HostKeyConfirm, type HostKeyConfirmation } from "./host-key-confirm";
import { KeyFields } from "./key-fields";

/**
 * Adding a node: where it is and how to log in, the private key (pasted, uploaded or generated), then the
 * host key fetched and confirmed by the administrator. Save stays disabled until the fingerprint is confirmed
 * for the address in the form; the server fetches it once more and refuses a different one.
 */
export function AddNodeForm() {
  const router = useRouter();
  const [host, setHost] = useState("");
  const [port, setPort] = useState("22");
  const [user, setUser] = useState("");
  const [confirmation, setConfirmation] = useState<HostKeyConfirmation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [isPending, startTransition] = useTransition();
  const fingerprint = confirmedFingerprint(confirmation, host, port);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (fingerprint === null) {
      setError("Fetch the host key and confirm that it matches the node before saving.");
      return;
    }
    form.set("hostKeyFingerprint", fingerprint);
    startTransition(async () => {
      const result = await createNodeAction(form);
      if (result.ok) {
        router.push(`/nodes?added=${encodeURIComponent(result.data.name)}`);
        router.refresh();
        return;
      }
      const errors = byField(result.fieldErrors);
      setError(formMessage(result.error, result.fieldErrors));
      setFieldErrors(errors);
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          required
          autoFocus
          autoComplete="off"
          spellCheck={false}
          placeholder="pbx-1"
          hint="Lower-case letters, digits and hyphens, starting with a letter."
          error={fieldErrors.name}
        />
        <TextField
          label="Tags"
          name="tags"
          autoComplete="off"
          spellCheck={false}
          placeholder="eu, edge"
          hint="Optional, comma-separated. Push to every node with a tag."
          error={fieldErrors.tags}
        />
        <TextField
          label="Host"
          name="host"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="198.51.100.10 or pbx1.example.net"
          value={host}
          onChange={(event) => setHost(event.target.value)}
          hint="The address Rampart connects to over SSH."
          error={fieldErrors.host}
        />
        <TextField
          label="Port"
          name="port"
          inputMode="numeric"
          autoComplete="off"
          value={port}
          onChange={(event) => setPort(event.target.value)}
          error={fieldErrors.port}
        />
        <TextField
          label="SSH user"
          name="user"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="root"
          value={user}
          onChange={(event) => setUser(event.target.value)}
          hint="Needs to run iptables, ipset and fail2ban-client (root, or a user allowed to)."
          error={fieldErrors.user}
        />
        <TextField
          label="Management address"
          name="managementAddress"
          autoComplete="off"
          spellCheck={false}
          placeholder="Optional"
          hint="The node's own management address, kept reachable by its ruleset."
          error={fieldErrors.managementAddress}
        />
      </div>

      <KeyFields user={user.trim()} error={fieldErrors.privateKey ?? fieldErrors.keySource} />

      <HostKeyConfirm
        host={host}
        port={port}
        onConfirmedChange={(value) => {
          setConfirmation(value);
          if (value) setError(null);
        }}
        error={fieldErrors.hostKeyFingerprint}
      />

      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <SubmitButton isPending={isPending}>Save node</SubmitButton>
        <ButtonLink href="/nodes" variant="secondary">
          Cancel
        </ButtonLink>
      </div>
      {fingerprint === null ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">Saving becomes possible once the host key is fetched and confirmed.</p>
      ) : null}
    </form>
  );
}
