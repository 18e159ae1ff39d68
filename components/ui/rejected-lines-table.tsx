import type { RejectedLine } from "@/lib/lists/import-parse";

/** The rejected lines of an import (address lists, rate tables): line number, its text and why, in a scrollable region. */
export function RejectedLinesTable({ rejected }: { rejected: readonly RejectedLine[] }) {
  if (rejected.length === 0) return null;
  return (
    <div className="max-h-80 overflow-auto rounded-lg border border-slate-200 dark:border-slate-800" role="region" aria-label="Rejected lines" tabIndex={0}>
      <table className="min-w-full text-left text-sm">
        <thead className="sticky top-0 bg-slate-50 text-xs text-slate-600 uppercase dark:bg-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2">Line</th>
            <th scope="col" className="px-3 py-2">Text</th>
            <th scope="col" className="px-3 py-2">Reason</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {rejected.map((r) => (
            <tr key={r.line}>
              <td className="px-3 py-1.5 tabular-nums">{r.line}</td>
              <td className="max-w-48 truncate px-3 py-1.5 font-mono text-xs" title={r.text}>
                {r.text === "" ? <span className="text-slate-400">(empty)</span> : r.text}
              </td>
              <td className="px-3 py-1.5">{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
