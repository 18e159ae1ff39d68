import Link from "next/link";
import type { ReactNode } from "react";
import { Alert } from "./alert";
import { buttonClassName } from "./button";

// The filter bar above a list: a plain GET form (the URL holds the query, so a view can be bookmarked and the
// form works without JavaScript), Search and Clear, and the form-level error under it. The grid columns are
// the caller's, because each list has its own fields.

interface FilterFormProps {
  action: string;
  /** The search landmark's name, e.g. "Filter bans". */
  label: string;
  /** Tailwind grid-template classes for the fields at lg and up, e.g. "lg:grid-cols-[minmax(0,1fr)_auto]". */
  columnsClassName: string;
  /** Show "Clear" (a link back to `action`) when the view differs from the default. */
  canClear: boolean;
  /** Messages about the query as a whole. */
  formErrors?: string[];
  children: ReactNode;
}

export function FilterForm({ action, label, columnsClassName, canClear, formErrors, children }: FilterFormProps) {
  return (
    <>
      <form
        method="get"
        action={action}
        role="search"
        aria-label={label}
        className={`grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:items-start dark:border-slate-800 dark:bg-slate-900 ${columnsClassName}`}
      >
        {children}
        <div className="flex gap-2 sm:col-span-2 lg:col-span-1 lg:pt-6">
          <button type="submit" className={buttonClassName({ variant: "primary" })}>
            Search
          </button>
          {canClear ? (
            <Link href={action} className={buttonClassName({ variant: "ghost" })}>
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {formErrors && formErrors.length > 0 ? <Alert tone="error">{formErrors.join(" ")}</Alert> : null}
    </>
  );
}
