"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { formMessage } from "@/components/ui/form-messages";
import type { Role } from "@/lib/generated/prisma/enums";
import { TOKEN_EXPIRY_DAYS } from "@/lib/validation/auth";
import { createTokenAction } from "../actions";
import { RoleTenantFields } from "./role-tenant-fields";
import { SecretBox } from "./secret-box";

const daysLabel = (days: number) => (days === 365 ? "1 year" : `${days} day${days === 1 ? "" : "s"}`);

/** "" is the token lifetime itself (the longest allowed); shorter fixed choices below it. */
function expiryOptions(lifetimeDays: number) {
  return [
    { value: "", label: `In ${daysLabel(lifetimeDays)} (the longest allowed)` },
    ...TOKEN_EXPIRY_DAYS.filter((days) => days < lifetimeDays).map((days) => ({ value: String(days), label: `In ${daysLabel(days)}` })),
  ];
}

/** New API token; the secret is shown once, with a copy button, right after creation. */
export function CreateTokenForm({ tenants, lifetimeDays }: { tenants: { id: string; name: string }[]; lifetimeDays: number }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("OPERATOR");
  const [tenantId, setTenantId] = useState("");
  const [expiresInDays, setExpiresInDays] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await createTokenAction(form);
      if (result.ok) {
        setCreated(result.data);
        setName("");
        setError(null);
        setFieldErrors({});
      } else {
        setError(formMessage(result.error, result.fieldErrors));
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  if (created) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          API token <strong>{created.name}</strong> was created.
        </Alert>
        <SecretBox
          label="API token"
          secret={created.token}
          warning="Copy this token now and store it where your script keeps secrets. It is shown only this once: Rampart keeps only a hash of it."
        />
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Send it as <code className="font-mono">Authorization: Bearer …</code> to the REST API, documented at{" "}
          <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline dark:text-brand-100">
            /api/v1/openapi.json
          </a>
          .
        </p>
        <Button variant="secondary" onClick={() => setCreated(null)}>
          Done
        </Button>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          autoComplete="off"
          required
          maxLength={80}
          value={name}
          onChange={(event) => setName(event.target.value)}
          hint="What uses it, e.g. “ci-blocklist-sync”."
          error={fieldErrors.name}
        />
        <SelectField
          label="Expires"
          name="expiresInDays"
          value={expiresInDays}
          onChange={(event) => setExpiresInDays(event.target.value)}
          hint={`Every token expires: after at most ${daysLabel(lifetimeDays)}, the lifetime an administrator sets below.`}
          error={fieldErrors.expiresInDays ?? fieldErrors.expiresAt}
        >
          {expiryOptions(lifetimeDays).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
        <RoleTenantFields
          role={role}
          onRoleChange={setRole}
          tenantId={tenantId}
          onTenantChange={setTenantId}
          tenants={tenants}
          errors={fieldErrors}
          roleHint="The token acts with this role's permissions, whoever holds it. It is yours: it is revoked when your account is disabled, deleted, changes role or signs out everywhere."
          tenantHint="The token sees and changes only this tenant."
        />
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <SubmitButton isPending={isPending} pendingLabel="Creating…">Create token</SubmitButton>
    </form>
  );
}
