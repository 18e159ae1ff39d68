import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

// Table building blocks. On narrow screens the table scrolls sideways inside its frame instead of
// squeezing columns; the frame is focusable and labelled so keyboard users can scroll it too.

const join = (...parts: (string | false | undefined)[]) => parts.filter(Boolean).join(" ");

interface DataTableProps {
  /** Names the table (as its caption) and the scroll region, for screen readers. */
  label: string;
  /** Show the caption; by default it is read but not displayed. */
  isLabelVisible?: boolean;
  children: ReactNode;
  className?: string;
}

export function DataTable({ label, isLabelVisible = false, children, className }: DataTableProps) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={join(
        "overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900",
        className,
      )}
    >
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
        <caption
          className={
            isLabelVisible
              ? "px-4 pt-4 pb-2 text-left text-sm font-semibold text-slate-900 sm:px-6 dark:text-white"
              : "sr-only"
          }
        >
          {label}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function DataTableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-50 dark:bg-slate-800/50">
      <tr>{children}</tr>
    </thead>
  );
}

// A sticky last column (row actions) stays in view while a wide table scrolls sideways. Table cells do not
// inherit the row's background, so the sticky cell repeats it: plain, hovered and selected rows.
const STICKY_BASE = "sticky right-0 z-10 shadow-[inset_1px_0_0_var(--color-slate-200)] dark:shadow-[inset_1px_0_0_var(--color-slate-800)]";
const STICKY_HEADER = `${STICKY_BASE} bg-slate-50 dark:bg-slate-800`;
const STICKY_CELL = `${STICKY_BASE} bg-white group-hover:bg-slate-50 group-data-selected:bg-brand-50 dark:bg-slate-900 dark:group-hover:bg-slate-800 dark:group-data-selected:bg-slate-800`;

interface HeaderCellProps extends ThHTMLAttributes<HTMLTableCellElement> {
  align?: "left" | "right";
  /** Keep this (last) column in view when the table scrolls sideways. */
  isSticky?: boolean;
}

export function DataTableHeaderCell({ align = "left", isSticky = false, className, ...props }: HeaderCellProps) {
  return (
    <th
      scope="col"
      className={join(
        "px-4 py-3 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase first:pl-4 sm:first:pl-6 last:pr-4 sm:last:pr-6 dark:text-slate-400",
        align === "right" && "text-right",
        isSticky && STICKY_HEADER,
        className,
      )}
      {...props}
    />
  );
}

export function DataTableBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-200 dark:divide-slate-800">{children}</tbody>;
}

interface RowProps extends HTMLAttributes<HTMLTableRowElement> {
  /** Highlight only; the row's checkbox carries the selected state for assistive technology. */
  isSelected?: boolean;
}

export function DataTableRow({ isSelected = false, className, ...props }: RowProps) {
  return (
    <tr
      data-selected={isSelected || undefined}
      className={join(
        "group transition-colors hover:bg-slate-50 dark:hover:bg-slate-800/40",
        isSelected && "bg-brand-50 hover:bg-brand-50 dark:bg-brand-500/10 dark:hover:bg-brand-500/10",
        className,
      )}
      {...props}
    />
  );
}

interface CellProps extends TdHTMLAttributes<HTMLTableCellElement> {
  align?: "left" | "right";
  /** Monospace for addresses, CIDRs and rule text. */
  isMono?: boolean;
  /** Keep this (last) column in view when the table scrolls sideways; pair with a sticky header cell. */
  isSticky?: boolean;
}

export function DataTableCell({ align = "left", isMono = false, isSticky = false, className, ...props }: CellProps) {
  return (
    <td
      className={join(
        "px-4 py-3 whitespace-nowrap text-slate-700 first:pl-4 sm:first:pl-6 last:pr-4 sm:last:pr-6 dark:text-slate-300",
        align === "right" && "text-right tabular-nums",
        isMono && "font-mono text-[0.8125rem]",
        isSticky && STICKY_CELL,
        className,
      )}
      {...props}
    />
  );
}

/** The one row shown when there is nothing to list; put an <EmptyState isFramed={false} as="h3"> in it. */
export function DataTableEmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-4 py-2 whitespace-normal">
        {children}
      </td>
    </tr>
  );
}

const checkboxClassName = "size-4 accent-brand-600";

interface SelectAllCellProps {
  /** "Select all bans on this page". */
  label: string;
  isChecked: boolean;
  isDisabled?: boolean;
  onToggle: (isOn: boolean) => void;
}

/** The header cell whose checkbox selects (or clears) every row on the page. */
export function DataTableSelectAllCell({ label, isChecked, isDisabled = false, onToggle }: SelectAllCellProps) {
  return (
    <DataTableHeaderCell className="w-10">
      <input type="checkbox" aria-label={label} checked={isChecked} disabled={isDisabled} onChange={(e) => onToggle(e.target.checked)} className={checkboxClassName} />
    </DataTableHeaderCell>
  );
}

interface SelectCellProps {
  /** Names the row: "Select 203.0.113.7". */
  label: string;
  isChecked: boolean;
  onToggle: (isOn: boolean) => void;
}

/** The cell with a row's own checkbox; pair it with DataTableRow's isSelected. */
export function DataTableSelectCell({ label, isChecked, onToggle }: SelectCellProps) {
  return (
    <DataTableCell>
      <input type="checkbox" aria-label={label} checked={isChecked} onChange={(e) => onToggle(e.target.checked)} className={checkboxClassName} />
    </DataTableCell>
  );
}
