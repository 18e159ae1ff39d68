import type { ReactNode } from "react";

/** The form-level message of an action: an error (role="alert") or a confirmation (role="status"). */
export function FormAlert({ tone, children }: { tone: "error" | "success" | "info"; children: ReactNode }) {
  if (tone === "error") {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm whitespace-normal text-red-800 dark:bg-red-950 dark:text-red-200">
        {children}
      </p>
    );
  }
  const colours = tone === "success" ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200";
  return (
    <p role="status" className={`rounded-md px-3 py-2 text-sm whitespace-normal ${colours}`}>
      {children}
    </p>
  );
}

/** Field errors keyed by the top-level field ("tags.3" → "tags"), so list items land on their input. */
export function byField(fieldErrors: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    const field = key.split(".")[0]!;
    out[field] = [...new Set([...(out[field] ?? []), ...messages])];
  }
  return out;
}

/** The form-level message: when a field already shows it, point at the fields instead of repeating it. */
export function formMessage(error: string, fieldErrors: Record<string, string[]> | undefined): string {
  return fieldErrors && Object.values(fieldErrors).flat().includes(error) ? "Check the highlighted fields." : error;
}
