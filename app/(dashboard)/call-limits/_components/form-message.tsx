import type { ActionResult } from "@/lib/action-result";

interface FormMessageProps {
  state: ActionResult<unknown> | null;
  success?: string;
  /** Fields the form shows its own messages under; messages for any other key are shown here instead. */
  fields?: readonly string[];
}

/**
 * The outcome of a form's last submission: a failure as an alert, a success as a status. When every message
 * already sits under its field, the alert only points at them (the same sentence is not shown twice); messages
 * with no field of their own (the form as a whole, a hidden id) are spelled out here.
 */
export function FormMessage({ state, success, fields = [] }: FormMessageProps) {
  if (state && !state.ok) {
    const entries = Object.entries(state.fieldErrors ?? {});
    const unshown = entries.filter(([key]) => !fields.includes(key)).flatMap(([, messages]) => messages);
    const text =
      entries.length > 0 && unshown.length === 0
        ? "Check the highlighted fields."
        : [state.error, ...unshown.filter((message) => message !== state.error)]
            .filter((message) => !(unshown.length > 0 && message === "Check the highlighted fields."))
            .join(" ");
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
        {text}
      </p>
    );
  }
  if (state?.ok && success) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
        {success}
      </p>
    );
  }
  return null;
}

/** The field's messages of a failed submission, for Field's `error`. */
export function fieldError(state: ActionResult<unknown> | null, name: string): string[] | undefined {
  return state && !state.ok ? state.fieldErrors?.[name] : undefined;
}
