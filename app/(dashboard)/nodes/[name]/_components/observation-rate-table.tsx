import { Badge } from "@/components/ui/badge";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDuration } from "@/lib/observe/display";
import { NEAR_LIMIT_PERCENT } from "@/lib/observe/hashlimit";
import type { NodeObservation } from "@/lib/observe/snapshot";

// The SIP rate limit table (xt_hashlimit): tokens left per source, fewest first. Sources at or below the
// near-limit threshold are highlighted in colour and in words: they are about to be limited.

const SHOWN = 100;

export function ObservationRateTable({ entries }: { entries: NodeObservation["rateTable"] }) {
  const nearLimit = entries.filter((e) => e.isNearLimit).length;
  const shown = entries.slice(0, SHOWN);
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {entries.length === 0
          ? "No source has sent SIP traffic recently."
          : `${entries.length} ${entries.length === 1 ? "source" : "sources"} tracked; ${nearLimit} at or below ${NEAR_LIMIT_PERCENT}% of their burst${entries.length > SHOWN ? `; the ${SHOWN} with the fewest tokens are shown` : ""}.`}
      </p>
      <DataTable label="SIP rate limit: tokens left per source">
        <DataTableHead>
          <DataTableHeaderCell>Source</DataTableHeaderCell>
          <DataTableHeaderCell>Tokens left</DataTableHeaderCell>
          <DataTableHeaderCell>Status</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Entry expires in</DataTableHeaderCell>
        </DataTableHead>
        <DataTableBody>
          {shown.length === 0 ? (
            <DataTableEmptyRow colSpan={4}>
              <EmptyState as="h3" isFramed={false} title="The rate table is empty" description="Sources appear here while they send SIP packets." />
            </DataTableEmptyRow>
          ) : (
            shown.map((entry) => {
              const percent = Math.max(0, Math.min(100, entry.tokensLeftPercent));
              return (
                <DataTableRow key={entry.address} data-address={entry.address} data-near-limit={entry.isNearLimit || undefined} className={entry.isNearLimit ? "bg-amber-50 dark:bg-amber-500/10" : undefined}>
                  <DataTableCell isMono>{entry.address}</DataTableCell>
                  <DataTableCell>
                    <div className="flex items-center gap-2">
                      <div className="h-2 w-24 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" aria-hidden="true">
                        <div className={`h-full ${entry.isNearLimit ? "bg-amber-500" : "bg-emerald-500"}`} style={{ width: `${percent}%` }} />
                      </div>
                      <span className="tabular-nums">{percent.toFixed(percent < 10 ? 1 : 0)}%</span>
                    </div>
                  </DataTableCell>
                  <DataTableCell>{entry.isNearLimit ? <Badge tone="warning">About to be limited</Badge> : <span className="text-slate-500 dark:text-slate-400">OK</span>}</DataTableCell>
                  <DataTableCell align="right">{formatDuration(entry.expiresInSeconds)}</DataTableCell>
                </DataTableRow>
              );
            })
          )}
        </DataTableBody>
      </DataTable>
    </div>
  );
}
