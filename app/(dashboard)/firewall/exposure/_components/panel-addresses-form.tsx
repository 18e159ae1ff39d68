"use client";

import { SubmitButton } from "@/components/ui/button";
import { TextareaField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { PANEL_ADDRESSES_MAX } from "@/lib/validation/panel-addresses";

import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { savePanelAddressesAction } from "../actions";

/** The configured panel addresses, one a line. A refused entry is named by its place among the entries. */
export function PanelAddressesForm({ configured, canWrite }: { configured: readonly string[]; canWrite: boolean }) {
  const [state, onSubmit, isPending] = useFormAction(savePanelAddressesAction);
  const entryErrors =
    state && !state.ok
      ? Object.entries(state.fieldErrors ?? {}).flatMap(([key, messages]) => {
          const index = /^addresses\.(\d+)$/.exec(key)?.[1];
          return messages.map((message) => (index === undefined ? message : `Entry ${Number(index) + 1}: ${message}`));
        })
      : [];
  const folded = state && !state.ok ? { ...state, fieldErrors: entryErrors.length > 0 ? { addresses: entryErrors } : undefined } : state;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Configured panel addresses" className="space-y-4">
      <fieldset disabled={!canWrite || isPending} className="min-w-0">
        <TextareaField
          name="addresses"
          label="Configured panel addresses"
          rows={4}
          defaultValue={configured.join("\n")}
          hint={`One address or network a line (at most ${PANEL_ADDRESSES_MAX}), for example the panel's public address behind NAT. Stored in canonical form; networks broader than IPv4 /8 or IPv6 /32 are refused.`}
          error={entryErrors}
          spellCheck={false}
          autoComplete="off"
        />
      </fieldset>
      <FormMessage state={folded} success="Saved. The nodes get the change with the next deployment." fields={["addresses"]} />
      {canWrite ? <SubmitButton isPending={isPending}>Save panel addresses</SubmitButton> : null}
    </form>
  );
}
