import type { Metadata } from "next";
import Link from "next/link";

import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { UtcTime } from "@/components/ui/utc-time";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getExposureOverview, getPanelAddresses } from "@/lib/db/queries/exposure";

import { ExposureForm } from "./_components/exposure-form";
import { ExposureTable } from "./_components/exposure-table";
import { PanelAddressesForm } from "./_components/panel-addresses-form";

export const metadata: Metadata = { title: "Exposure" };

export default async function ExposurePage() {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user);
  // The page lists nodes too: a role that may read the policy but not the nodes sees the policy only.
  const canSeeNodes = hasPermission(user.role, "nodes:read");
  const [overview, panel] = canSeeNodes ? await Promise.all([getExposureOverview(caller), getPanelAddresses(caller)]) : [null, null];
  const canWrite = hasPermission(user.role, "settings:manage");
  if (!overview || !panel) {
    return (
      <>
        <PageHeader title="Exposure" />
        <Alert tone="info">The exposure page needs permission to read the nodes.</Alert>
      </>
    );
  }
  const overriding = overview.nodes.filter((n) => n.override !== null || n.overrideProblem !== null);
  const hasPanelAddress = panel.configured.length > 0 || panel.discovered.some((d) => d.address !== null);

  return (
    <>
      <PageHeader
        title="Exposure"
        description="Which services of every node are open to whom, and what happens to everything else. Nodes may override single fields on their own page."
      />

      <Alert tone="warning" as="div" className="mb-6">
        <p className="font-semibold">Drop and Reject close every port this policy does not open, on every node.</p>
        <p className="mt-1">
          SSH, AMI and the extra ports stay reachable from the{" "}
          <Link href="/firewall/management-access" className="font-medium underline underline-offset-2">
            management networks
          </Link>{" "}
          and the panel&apos;s addresses (below), whatever the lists say: keep both current before you push. Whitelist entries of scope ALL reach every port.
        </p>
      </Alert>
      {canWrite ? null : (
        <p className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
          You can view the exposure policy and the panel addresses; changes need the Administrator role.
        </p>
      )}

      <ExposureForm exposure={overview.cluster} canWrite={canWrite} />

      <section aria-labelledby="exposes-heading" className="mt-8 space-y-4">
        <h2 id="exposes-heading" className="text-lg font-semibold text-slate-900 dark:text-white">
          What each node will expose
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">As stored now; the nodes enforce it after the next deployment.</p>
        <ExposureTable label={overriding.length === 0 ? "Every node (no node overrides the cluster policy)" : "Every node without an override"} rows={overview.clusterSummary} />
        {overriding.map((node) => (
          <div key={node.nodeId} className="space-y-2">
            <h3 className="text-base font-semibold">
              <Link href={`/nodes/${encodeURIComponent(node.nodeName)}#exposure`} className="text-brand-700 hover:underline dark:text-brand-100">
                {node.nodeName}
              </Link>{" "}
              <span className="text-sm font-normal text-slate-500">overrides {node.override ? Object.keys(node.override).join(", ") : "nothing valid"}</span>
            </h3>
            {node.overrideProblem ? <Alert tone="error">{node.overrideProblem}</Alert> : null}
            <ExposureTable label={`What ${node.nodeName} will expose`} rows={node.summary} />
          </div>
        ))}
      </section>

      <section aria-labelledby="panel-heading" className="mt-8">
        <Card>
          <CardHeader
            as="h2"
            title="Panel addresses"
            description="The addresses the panel connects to nodes from: accepted on every management port and never banned by any jail. Each node also reports the address it sees the panel connect from."
          />
          <CardBody className="space-y-6">
            {hasPanelAddress ? null : (
              <Alert tone="warning">No panel address is known yet: nothing exempts the panel from the management-port rules and the jails. Add the panel&apos;s address, or test a node&apos;s connection so it reports one.</Alert>
            )}
            <PanelAddressesForm configured={panel.configured} canWrite={canWrite} />
            <DataTable label="Panel address each node saw" isLabelVisible>
              <DataTableHead>
                <DataTableHeaderCell>Node</DataTableHeaderCell>
                <DataTableHeaderCell>Panel address seen</DataTableHeaderCell>
                <DataTableHeaderCell>Seen at</DataTableHeaderCell>
              </DataTableHead>
              <DataTableBody>
                {panel.discovered.length === 0 ? (
                  <DataTableEmptyRow colSpan={3}>No nodes yet.</DataTableEmptyRow>
                ) : (
                  panel.discovered.map((d) => (
                    <DataTableRow key={d.nodeId}>
                      <DataTableCell>{d.nodeName}</DataTableCell>
                      <DataTableCell isMono>{d.address ?? "Not seen yet"}</DataTableCell>
                      <DataTableCell>
                        <UtcTime date={d.seenAt} fallback="—" />
                      </DataTableCell>
                    </DataTableRow>
                  ))
                )}
              </DataTableBody>
            </DataTable>
          </CardBody>
        </Card>
      </section>
    </>
  );
}
