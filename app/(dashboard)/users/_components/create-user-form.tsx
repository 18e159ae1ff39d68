"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink, SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { formMessage } from "@/components/ui/form-messages";
import type { Role } from "@/lib/generated/prisma/enums";
import { createUserAction } from "../actions";
import { RoleTenantFields } from "./role-tenant-fields";
import { SecretBox } from "./secret-box";

interface Created {
  id: string;
  email: string;
  password: string;
}

/** New user: e-mail, name, role (and tenant). The generated password is shown once, after creation. */
export function CreateUserForm({ tenants }: { tenants: { id: string; name: string }[] }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("OPERATOR");
  const [tenantId, setTenantId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [created, setCreated] = useState<Created | null>(null);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await createUserAction(form);
      if (result.ok) {
        setCreated(result.data);
        setError(null);
        setFieldErrors({});
      } else {
        setError(formMessage(result.error, result.fieldErrors));
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  function startOver() {
    setCreated(null);
    setEmail("");
    setName("");
    setRole("OPERATOR");
    setTenantId("");
  }

  if (created) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          User <strong className="break-all">{created.email}</strong> was created.
        </Alert>
        <SecretBox
          label="Initial password"
          secret={created.password}
          warning="Copy this password now and give it to the user through a safe channel. It is shown only this once; if it is lost, reset the password."
        />
        <div className="flex flex-wrap gap-2">
          <ButtonLink href={`/users/${created.id}`} variant="secondary">
            View user
          </ButtonLink>
          <Button variant="secondary" onClick={startOver}>
            Add another user
          </Button>
          <ButtonLink href="/users">Back to users</ButtonLink>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <TextField
        label="E-mail"
        name="email"
        type="email"
        autoComplete="off"
        spellCheck={false}
        required
        autoFocus
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        hint="The user signs in with it."
        error={fieldErrors.email}
      />
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        hint="Optional. Shown in the dashboard."
        error={fieldErrors.name}
      />
      <RoleTenantFields
        role={role}
        onRoleChange={setRole}
        tenantId={tenantId}
        onTenantChange={setTenantId}
        tenants={tenants}
        errors={fieldErrors}
        tenantHint="The user sees and changes only this tenant's restrictions and bans."
      />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Rampart generates the initial password and shows it once, after the user is created.
      </p>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <SubmitButton isPending={isPending} pendingLabel="Creating…">Create user</SubmitButton>
        <ButtonLink href="/users" variant="secondary">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
