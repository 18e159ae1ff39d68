import type { ReactNode } from "react";

/** The form-level message of an action: an error (role="alert") or a confirmation (role="status"). */
export function FormAlert({ tone, children }: { tone: "error" | "success"; children: ReactNode }) {
  return tone === "error" ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
      {children}
    </p>
  ) : (
    <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
      {children}
    </p>
  );
}

/** The form-level message: when a field already shows it, point at the fields instead of repeating it. */
export function formMessage(error: string, fieldErrors: Record<string, string[]> | undefined): string {
  return fieldErrors && Object.values(fieldErrors).flat().includes(error) ? "Check the highlighted fields." : error;
}
