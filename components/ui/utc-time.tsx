import { formatInstant, toIso } from "@/lib/format/instant";

// A time as the dashboard shows it: UTC, labelled, in a <time> element; a muted fallback ("Never") for none.
// Stacked (date, then time on a second line) keeps narrow table columns narrow.

interface UtcTimeProps {
  date: Date | string | null;
  fallback?: string;
  isStacked?: boolean;
}

export function UtcTime({ date, fallback = "Never", isStacked = false }: UtcTimeProps) {
  if (!date) return <span className="text-slate-500 dark:text-slate-400">{fallback}</span>;
  const iso = toIso(date);
  return (
    <time dateTime={iso} className="tabular-nums">
      {isStacked ? (
        <>
          {iso.slice(0, 10)} <span className="block text-xs text-slate-500 dark:text-slate-400">{iso.slice(11, 16)} UTC</span>
        </>
      ) : (
        formatInstant(iso)
      )}
    </time>
  );
}
