"use client";

import { SubmitButton } from "@/components/ui/button";
import { CheckboxField, TextareaField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { ACCOUNT_CODE_HINT } from "@/lib/validation/call-guard";
import { TENANT_DESCRIPTION_MAX_LENGTH } from "@/lib/validation/tenant";
import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { AUTO_WHITELIST_HINT } from "../../_components/tenant-texts";
import { updateTenantAction } from "../actions";

interface TenantSettingsFormProps {
  tenant: { id: string; name: string; description: string; autoWhitelistRestrictions: boolean; accountCode: string | null };
}

export function TenantSettingsForm({ tenant }: TenantSettingsFormProps) {
  const [state, onSubmit, isPending] = useFormAction(updateTenantAction);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="tenantId" value={tenant.id} />
      <TextField name="name" label="Name" required maxLength={200} autoComplete="off" defaultValue={tenant.name} error={fieldError(state, "name")} />
      <TextareaField
        name="description"
        label="Description"
        hint="Optional: who the tenant is, a contact, a contract number."
        rows={3}
        maxLength={TENANT_DESCRIPTION_MAX_LENGTH}
        defaultValue={tenant.description}
        error={fieldError(state, "description")}
      />
      <TextField
        name="accountCode"
        label="Account code"
        hint={`${ACCOUNT_CODE_HINT} Empty: no account code, and the call guard enforces none of the tenant's call limits.`}
        maxLength={40}
        autoComplete="off"
        spellCheck={false}
        defaultValue={tenant.accountCode ?? ""}
        error={fieldError(state, "accountCode")}
      />
      <CheckboxField
        name="autoWhitelistRestrictions"
        label="Auto-whitelist tenant IP restrictions"
        hint={AUTO_WHITELIST_HINT}
        defaultChecked={tenant.autoWhitelistRestrictions}
        error={fieldError(state, "autoWhitelistRestrictions")}
      />
      <FormMessage state={state} success="Tenant settings saved." fields={["name", "description", "accountCode", "autoWhitelistRestrictions"]} />
      <div className="flex justify-end">
        <SubmitButton isPending={isPending}>Save settings</SubmitButton>
      </div>
    </form>
  );
}
