import { Badge } from "@/components/ui/badge";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatInstantOr } from "@/lib/format/instant";
import { remainingBanTime } from "@/lib/observe/display";
import type { NodeObservation } from "@/lib/observe/snapshot";

// The node's fail2ban jails with their counters and every banned address with the time left, counted from now
// (so the last known data of an unreachable node shows what is left today, or "ended since").

function Remaining({ ban, now }: { ban: NodeObservation["jails"][number]["bans"][number]; now: Date }) {
  const left = remainingBanTime(ban, now);
  if (left.kind === "permanent") return <Badge tone="danger">Permanent</Badge>;
  if (left.kind === "unknown") return <span className="text-slate-500 dark:text-slate-400">unknown</span>;
  if (left.kind === "expired") return <span className="text-slate-500 dark:text-slate-400">ended since</span>;
  return <span className="tabular-nums">{left.text}</span>;
}

const utc = (iso: string | null) => formatInstantOr(iso, "—");

export function ObservationJails({ jails, now }: { jails: NodeObservation["jails"]; now: Date }) {
  if (jails.length === 0) {
    return <EmptyState as="h3" title="No fail2ban jails reported" description="The node's fail2ban lists no jails: check that Rampart's ruleset was pushed and fail2ban is running." />;
  }
  return (
    <div className="space-y-4">
      {jails.map((jail) => (
        <DataTable key={jail.jail} label={`Jail ${jail.jail}: ${jail.bans.length} banned`} isLabelVisible>
          <DataTableHead>
            <DataTableHeaderCell>Address</DataTableHeaderCell>
            <DataTableHeaderCell>Banned at</DataTableHeaderCell>
            <DataTableHeaderCell>Ends</DataTableHeaderCell>
            <DataTableHeaderCell align="right">Time left</DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {jail.bans.length === 0 ? (
              <DataTableEmptyRow colSpan={4}>
                <p className="py-2 text-sm text-slate-600 dark:text-slate-400">
                  No address banned. Failed now: {jail.currentlyFailed}; banned in total: {jail.totalBanned}.
                </p>
              </DataTableEmptyRow>
            ) : (
              jail.bans.map((ban) => (
                <DataTableRow key={ban.address} data-address={ban.address}>
                  <DataTableCell isMono>{ban.address}</DataTableCell>
                  <DataTableCell className="text-xs">{utc(ban.bannedAt)}</DataTableCell>
                  <DataTableCell className="text-xs">{ban.isPermanent ? "never" : utc(ban.expiresAt)}</DataTableCell>
                  <DataTableCell align="right">
                    <Remaining ban={ban} now={now} />
                  </DataTableCell>
                </DataTableRow>
              ))
            )}
          </DataTableBody>
        </DataTable>
      ))}
    </div>
  );
}
