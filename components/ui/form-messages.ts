import type { ActionResult } from "@/lib/action-result";

// What a form shows after a failed submission: the form-level sentence and the messages of each field. Pure, so
// every form words its failures the same way.

export type FieldErrors = Record<string, string[]>;

const CHECK_FIELDS = "Check the highlighted fields.";

/** The form-level message: when a field already shows it, point at the fields instead of repeating it. */
export function formMessage(error: string, fieldErrors: FieldErrors | undefined): string {
  return fieldErrors && Object.values(fieldErrors).flat().includes(error) ? CHECK_FIELDS : error;
}

/** Field errors keyed by the top-level field ("tags.3" → "tags"), so list items land on their input. */
export function byField(fieldErrors: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    const field = key.split(".")[0]!;
    out[field] = [...new Set([...(out[field] ?? []), ...messages])];
  }
  return out;
}

/** The field's messages of a failed submission, for Field's `error`. */
export function fieldError(state: ActionResult<unknown> | null, name: string): string[] | undefined {
  return state && !state.ok ? state.fieldErrors?.[name] : undefined;
}

/**
 * The alert text of a failed submission when the form shows its own messages under `fields`. When every message
 * already sits under its field, the text only points at them (the same sentence is not shown twice); messages
 * with no field of their own (the form as a whole, a hidden id) are spelled out.
 */
export function failureMessage(result: { error: string; fieldErrors?: FieldErrors }, fields: readonly string[] = []): string {
  const entries = Object.entries(result.fieldErrors ?? {});
  const unshown = entries.filter(([key]) => !fields.includes(key)).flatMap(([, messages]) => messages);
  if (entries.length > 0 && unshown.length === 0) return CHECK_FIELDS;
  return [result.error, ...unshown.filter((message) => message !== result.error)]
    .filter((message) => !(unshown.length > 0 && message === CHECK_FIELDS))
    .join(" ");
}
