import type { HTMLAttributes } from "react";

// A message box inside a page or form: a failure, a confirmation, a neutral note or a warning. Errors are
// alerts (read out at once); the other tones are status messages (read out when the reader is idle).

export type AlertTone = "error" | "success" | "info" | "warning";

const toneClassNames: Record<AlertTone, string> = {
  error: "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200",
  success: "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  info: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  warning: "bg-amber-50 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200",
};

interface AlertProps extends Omit<HTMLAttributes<HTMLElement>, "role"> {
  tone: AlertTone;
  /** A <div> when the message holds paragraphs of its own. */
  as?: "p" | "div";
  /** Smaller text, for a note inside a card. */
  compact?: boolean;
}

export function Alert({ tone, as: Element = "p", compact = false, className, ...props }: AlertProps) {
  return (
    <Element
      role={tone === "error" ? "alert" : "status"}
      // whitespace-normal: the message may sit in a table cell, which does not wrap its text.
      className={["rounded-md px-3 py-2 whitespace-normal", compact ? "text-xs" : "text-sm", toneClassNames[tone], className].filter(Boolean).join(" ")}
      {...props}
    />
  );
}
