"use client";

import { useState, useTransition } from "react";
import { Button, SubmitButton } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";
import { MONEY_HINT, type CurrencyOption } from "@/lib/validation/call-limits";
import { CurrencySelect } from "../../../call-limits/_components/currency-select";
import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { removeTenantCallLimitAction, setTenantCallLimitAction } from "../actions";

interface TenantCallLimitFormProps {
  tenantId: string;
  tenantName: string;
  limit: { dailyLimit: string | null; monthlyLimit: string | null; currency: string } | null;
  currencyOptions: readonly CurrencyOption[];
  defaultCurrency: string;
}

export function TenantCallLimitForm({ tenantId, tenantName, limit, currencyOptions, defaultCurrency }: TenantCallLimitFormProps) {
  const [state, onSubmit, isPending] = useFormAction(setTenantCallLimitAction);
  const [isConfirmingRemoval, setIsConfirmingRemoval] = useState(false);
  const [removal, setRemoval] = useState<ActionResult | null>(null);
  const [isRemoving, startRemoval] = useTransition();

  function remove() {
    const formData = new FormData();
    formData.set("tenantId", tenantId);
    startRemoval(async () => {
      const result = await removeTenantCallLimitAction(null, formData);
      setRemoval(result);
      setIsConfirmingRemoval(false);
    });
  }

  return (
    // Remounted when the stored limits change (key below), so the fields show what is saved.
    <form key={limit ? `${limit.dailyLimit}|${limit.monthlyLimit}|${limit.currency}` : "none"} onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          name="dailyLimit"
          label="Daily limit"
          unit="per day"
          inputMode="decimal"
          autoComplete="off"
          placeholder="No limit"
          defaultValue={limit?.dailyLimit ?? ""}
          hint={MONEY_HINT}
          error={fieldError(state, "dailyLimit")}
        />
        <TextField
          name="monthlyLimit"
          label="Monthly limit"
          unit="per month"
          inputMode="decimal"
          autoComplete="off"
          placeholder="No limit"
          defaultValue={limit?.monthlyLimit ?? ""}
          hint="Leave a limit empty for none."
          error={fieldError(state, "monthlyLimit")}
        />
        <CurrencySelect defaultValue={limit?.currency ?? defaultCurrency} options={currencyOptions} error={fieldError(state, "currency")} />
      </div>
      <FormMessage state={state} success="Tenant call limits saved." fields={["dailyLimit", "monthlyLimit", "currency"]} />
      <FormMessage state={removal} success="Tenant call limits removed." />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {limit ? (
          <Button variant="secondary" onClick={() => setIsConfirmingRemoval(true)} disabled={isPending || isRemoving}>
            Remove limits
          </Button>
        ) : null}
        <SubmitButton isPending={isPending} disabled={isRemoving}>Save limits</SubmitButton>
      </div>
      <ConfirmDialog
        open={isConfirmingRemoval}
        title="Remove the tenant's call limits?"
        description={`${tenantName} will have no daily or monthly cost ceiling. Extension limits stay as they are.`}
        confirmLabel="Remove limits"
        isDestructive
        isPending={isRemoving}
        onConfirm={remove}
        onCancel={() => setIsConfirmingRemoval(false)}
      />
    </form>
  );
}
