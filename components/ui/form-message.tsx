import type { ActionResult } from "@/lib/action-result";
import { Alert } from "./alert";
import { failureMessage } from "./form-messages";

interface FormMessageProps {
  state: ActionResult<unknown> | null;
  success?: string;
  /** Fields the form shows its own messages under; messages for any other key are shown here instead. */
  fields?: readonly string[];
}

/** The outcome of a form's last submission: a failure as an alert, a success (when worded) as a status. */
export function FormMessage({ state, success, fields = [] }: FormMessageProps) {
  if (state && !state.ok) return <Alert tone="error">{failureMessage(state, fields)}</Alert>;
  if (state?.ok && success) return <Alert tone="success">{success}</Alert>;
  return null;
}
