"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CheckboxField, TextareaField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { ACCOUNT_CODE_HINT } from "@/lib/validation/call-guard";
import { TENANT_DESCRIPTION_MAX_LENGTH } from "@/lib/validation/tenant";
import { useFormAction } from "../../call-limits/_components/use-form-action";
import { createTenantAction } from "../actions";
import { AUTO_WHITELIST_HINT } from "./tenant-texts";

/** "New tenant" button that opens the creation form; a created tenant opens its own page. */
export function CreateTenantForm({ isInitiallyOpen = false }: { isInitiallyOpen?: boolean }) {
  const [isOpen, setIsOpen] = useState(isInitiallyOpen);
  const [state, onSubmit, isPending] = useFormAction(createTenantAction);
  const router = useRouter();

  useEffect(() => {
    if (state?.ok) router.push(`/tenants/${state.data.id}?created=1`);
  }, [state, router]);

  if (!isOpen) {
    return (
      <Button onClick={() => setIsOpen(true)}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor">
          <path d="M10.75 4.75a.75.75 0 0 0-1.5 0v4.5h-4.5a.75.75 0 0 0 0 1.5h4.5v4.5a.75.75 0 0 0 1.5 0v-4.5h4.5a.75.75 0 0 0 0-1.5h-4.5v-4.5Z" />
        </svg>
        New tenant
      </Button>
    );
  }

  return (
    <Card className="w-full">
      <CardHeader title="New tenant" description="A customer sharing the cluster. Add its IP restrictions and call limits on its page." />
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <TextField
            // Opened by a click on "New tenant": the name is what comes next.
            autoFocus
            name="name"
            label="Name"
            required
            maxLength={200}
            autoComplete="off"
            error={fieldError(state, "name")}
          />
          <TextareaField
            name="description"
            label="Description"
            hint="Optional: who the tenant is, a contact, a contract number."
            rows={3}
            maxLength={TENANT_DESCRIPTION_MAX_LENGTH}
            error={fieldError(state, "description")}
          />
          <TextField
            name="accountCode"
            label="Account code"
            hint={`Optional: ${ACCOUNT_CODE_HINT} The call guard enforces the tenant's call limits only with one.`}
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            error={fieldError(state, "accountCode")}
          />
          <CheckboxField
            name="autoWhitelistRestrictions"
            label="Auto-whitelist tenant IP restrictions"
            hint={AUTO_WHITELIST_HINT}
            error={fieldError(state, "autoWhitelistRestrictions")}
          />
          <FormMessage state={state?.ok ? null : state} fields={["name", "description", "accountCode", "autoWhitelistRestrictions"]} />
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={() => setIsOpen(false)} disabled={isPending}>
              Cancel
            </Button>
            <SubmitButton isPending={isPending} pendingLabel="Creating…">Create tenant</SubmitButton>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
