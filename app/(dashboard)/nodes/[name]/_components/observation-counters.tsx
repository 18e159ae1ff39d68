import { DataTable, DataTableBody, DataTableCell, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import type { PacketRates } from "@/lib/db/queries/snapshots";
import { formatRate } from "@/lib/observe/display";
import type { NodeObservation } from "@/lib/observe/snapshot";

// The node's kernel counters by reason: cumulative packets and bytes since the rules were loaded, and the rate
// between the last two polls (absent until there are two).

const REASONS: { key: keyof PacketRates; label: string; hint: string }[] = [
  { key: "sip", label: "SIP packets checked", hint: "Everything that reached the SIP checks" },
  { key: "blocklist", label: "Dropped: blocklist", hint: "Sources on the blocklist" },
  { key: "banned", label: "Dropped: fail2ban bans", hint: "Sources banned by a jail" },
  { key: "scanner", label: "Dropped: scanner", hint: "SIP scanner signatures" },
  { key: "geoip", label: "Dropped: GeoIP", hint: "Sources outside the allowed countries" },
  { key: "rateLimit", label: "Dropped: rate limit", hint: "REGISTER / INVITE floods and the packet rate" },
];

export function ObservationCounters({ counters, rates }: { counters: NodeObservation["counters"]; rates: PacketRates | null }) {
  const by = counters.rateLimitBy;
  return (
    <div className="space-y-2">
      <DataTable label="Packet counters by reason">
        <DataTableHead>
          <DataTableHeaderCell>Counter</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Packets</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Bytes</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Now</DataTableHeaderCell>
        </DataTableHead>
        <DataTableBody>
          {REASONS.map((r) => (
            <DataTableRow key={r.key} data-counter={r.key}>
              <DataTableCell>
                <span className="font-medium">{r.label}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">{r.hint}</span>
              </DataTableCell>
              <DataTableCell align="right">{counters[r.key].packets.toLocaleString("en-US")}</DataTableCell>
              <DataTableCell align="right">{counters[r.key].bytes.toLocaleString("en-US")}</DataTableCell>
              <DataTableCell align="right">{rates ? formatRate(rates[r.key]) : "—"}</DataTableCell>
            </DataTableRow>
          ))}
        </DataTableBody>
      </DataTable>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Rate-limit drops by cause: REGISTER flood {by.register.packets.toLocaleString("en-US")}, INVITE flood {by.invite.packets.toLocaleString("en-US")}, packet rate{" "}
        {by.packetRate.packets.toLocaleString("en-US")} packets. Counters restart when a push reloads the rules.
      </p>
    </div>
  );
}
