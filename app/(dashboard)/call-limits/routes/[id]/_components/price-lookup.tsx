"use client";

import { SubmitButton } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import { DEFAULT_PRICE_DURATION_SECONDS, DIALLED_NUMBER_MAX_LENGTH } from "@/lib/validation/rates";
import { useFormAction } from "../../../_components/use-form-action";
import { priceRouteNumberAction } from "../actions";

/** "Price this number": the longest matching prefix's rate and what a call of the given length costs by it. */
export function PriceLookup({ routeId, currency }: { routeId: string; currency: string }) {
  const [state, onSubmit, isPending] = useFormAction(priceRouteNumberAction);
  const price = state?.ok ? state.data : null;
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate aria-label="Price a number" className="grid items-start gap-4 sm:grid-cols-[1fr_12rem_auto]">
        <input type="hidden" name="routeId" value={routeId} />
        <TextField
          name="number"
          label="Number"
          required
          inputMode="tel"
          maxLength={DIALLED_NUMBER_MAX_LENGTH + 1}
          autoComplete="off"
          hint="As dialled, digits only, optionally after +. No outbound prefix is removed."
          error={fieldError(state, "number")}
        />
        <TextField
          name="duration"
          label="Duration"
          unit="seconds"
          inputMode="numeric"
          autoComplete="off"
          defaultValue={String(DEFAULT_PRICE_DURATION_SECONDS)}
          error={fieldError(state, "duration")}
        />
        <div className="sm:pt-6">
          <SubmitButton isPending={isPending} pendingLabel="Pricing…">
            Price
          </SubmitButton>
        </div>
      </form>
      <FormMessage state={state?.ok ? null : state} fields={["number", "duration"]} />
      {price ? (
        <div role="status" aria-label="Price" className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
          <p className="text-base font-semibold">
            {`${price.number}: ${price.display} for ${price.durationSeconds.toLocaleString("en-US")} s`}
          </p>
          <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500 dark:text-slate-400">Matched prefix</dt>
            <dd className="font-mono">
              {price.rate.prefix}
              {price.rate.description ? <span className="ml-2 font-sans">{price.rate.description}</span> : null}
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Billed</dt>
            <dd>{`${price.billedSeconds.toLocaleString("en-US")} s (increment ${price.rate.increment})`}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Rate</dt>
            <dd>{`${price.rate.costPerMinute} ${currency} per minute, connection fee ${price.rate.connectionFee} ${currency}`}</dd>
          </dl>
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">Rounded half up to the currency&apos;s smallest unit. For pricing and reports only: no call is refused on this.</p>
        </div>
      ) : null}
    </div>
  );
}
