import type { ReactNode } from "react";

interface EmptyStateProps {
  /** A decorative icon (an aria-hidden SVG); the title carries the meaning. */
  icon?: ReactNode;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  /** h2 on a page under its <h1>; h3 inside a card or a table. */
  as?: "h2" | "h3";
  /** Draw the dashed frame; turn off where the container already has a border (a table's empty row). */
  isFramed?: boolean;
}

export function EmptyState({ icon, title, description, action, as: Heading = "h2", isFramed = true }: EmptyStateProps) {
  return (
    <div
      className={
        "flex flex-col items-center px-6 py-12 text-center" +
        (isFramed ? " rounded-xl border border-dashed border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900" : "")
      }
    >
      {icon ? (
        <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100 [&_svg]:size-6">
          {icon}
        </div>
      ) : null}
      <Heading className="text-base font-semibold text-slate-900 dark:text-white">{title}</Heading>
      {description ? (
        <div className="mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">{description}</div>
      ) : null}
      {action ? <div className="mt-6 flex flex-wrap justify-center gap-2">{action}</div> : null}
    </div>
  );
}
