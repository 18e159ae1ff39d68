"use client";

import { SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { TENANT_MIN_PREFIX_LIMITS, type TenantNetworkSettings } from "@/lib/validation/settings";
import { useFormAction } from "../../call-limits/_components/use-form-action";
import { updateTenantNetworkSettingsAction } from "../actions";

const { minPrefix4: v4, minPrefix6: v6 } = TENANT_MIN_PREFIX_LIMITS;

/** The shortest networks tenant administrators may store (administrators only). */
export function TenantNetworkSettingsForm({ settings }: { settings: TenantNetworkSettings }) {
  const [state, onSubmit, isPending] = useFormAction(updateTenantNetworkSettingsAction);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Tenant network minimums">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="minPrefix4"
          label="Shortest IPv4 prefix"
          hint={`/${v4.min}–/${v4.max}; default /${v4.default}. A tenant administrator's wider network is refused.`}
          inputMode="numeric"
          autoComplete="off"
          defaultValue={String(settings.minPrefix4)}
          error={fieldError(state, "minPrefix4")}
        />
        <TextField
          name="minPrefix6"
          label="Shortest IPv6 prefix"
          hint={`/${v6.min}–/${v6.max}; default /${v6.default}.`}
          inputMode="numeric"
          autoComplete="off"
          defaultValue={String(settings.minPrefix6)}
          error={fieldError(state, "minPrefix6")}
        />
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Applies to what tenant administrators store from now on; administrators and operators are not bound by it. A tenant administrator&apos;s
        network that overlaps another tenant&apos;s network, or is over-broad, waits for an administrator&apos;s approval on the tenant&apos;s IP
        restrictions page.
      </p>
      <FormMessage state={state} success="Minimum prefixes saved." fields={["minPrefix4", "minPrefix6"]} />
      <div className="flex justify-end">
        <SubmitButton isPending={isPending}>Save minimums</SubmitButton>
      </div>
    </form>
  );
}
