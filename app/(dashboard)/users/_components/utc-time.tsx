/** A UTC time in two short lines (date, then time) so that tables stay narrow; "Never" (or a fallback) for none. */
export function UtcTime({ date, fallback = "Never" }: { date: Date | null; fallback?: string }) {
  if (!date) return <span className="text-slate-500 dark:text-slate-400">{fallback}</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} className="tabular-nums">
      {iso.slice(0, 10)}{" "}
      <span className="block text-xs text-slate-500 dark:text-slate-400">{iso.slice(11, 16)} UTC</span>
    </time>
  );
}
