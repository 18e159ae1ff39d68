import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DataTable, DataTableBody, DataTableCell, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import type { ExposureReach, ExposureSummaryRow } from "@/lib/rules/exposure-summary";

// "What each node will expose": the rows of lib/rules/exposure-summary as a table. No hooks: used by the
// Exposure page and the node page alike.

const REACH: Record<ExposureReach, { label: string; tone: BadgeTone }> = {
  EVERYONE: { label: "Everyone", tone: "warning" },
  ALLOWED: { label: "Allowed", tone: "info" },
  MANAGEMENT: { label: "Management", tone: "success" },
  NOBODY: { label: "Closed", tone: "neutral" },
  NODE_POLICY: { label: "Node decides", tone: "danger" },
};

export function ExposureTable({ label, rows }: { label: string; rows: readonly ExposureSummaryRow[] }) {
  return (
    <DataTable label={label}>
      <DataTableHead>
        <DataTableHeaderCell>Service</DataTableHeaderCell>
        <DataTableHeaderCell>Protocol and ports</DataTableHeaderCell>
        <DataTableHeaderCell>Reach</DataTableHeaderCell>
        <DataTableHeaderCell>Who may reach it</DataTableHeaderCell>
      </DataTableHead>
      <DataTableBody>
        {rows.map((row) => (
          <DataTableRow key={row.service}>
            <DataTableCell className="font-medium">{row.service}</DataTableCell>
            <DataTableCell isMono className="max-w-xs whitespace-normal">
              {row.ports || "—"}
            </DataTableCell>
            <DataTableCell>
              <Badge tone={REACH[row.reach].tone}>{REACH[row.reach].label}</Badge>
            </DataTableCell>
            <DataTableCell className="max-w-xl whitespace-normal">{row.who}</DataTableCell>
          </DataTableRow>
        ))}
      </DataTableBody>
    </DataTable>
  );
}
