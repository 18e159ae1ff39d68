import type { Metadata } from "next";
import Link from "next/link";
import { NavIcon } from "@/components/shell/nav-icon";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableHead,
  DataTableHeaderCell,
  DataTableRow,
} from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { listNodes, listNodeTags } from "@/lib/db/queries/nodes";
import { UtcTime } from "@/components/ui/utc-time";
import { formatInstant } from "@/lib/format/instant";

import { formatAddress, ShortHash, StateBadge, ToolsSummary } from "./_components/display";
import { NodeActions } from "./_components/node-actions";
import { PushDialog } from "./_components/push-dialog";

export const metadata: Metadata = { title: "Nodes" };

export default async function NodesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("nodes:read");
  const caller = callerFromUser(user);
  const canWrite = hasPermission(user.role, "nodes:write");
  const canDeploy = hasPermission(user.role, "deploy");
  const [nodes, tags] = await Promise.all([listNodes(caller), listNodeTags(caller)]);
  const added = (await searchParams).added;
  const addedNode = typeof added === "string" ? nodes.find((n) => n.name === added) : undefined;
  const alerts = nodes.filter((n) => n.hostKeyAlert !== null);

  return (
    <>
      <PageHeader
        title="Nodes"
        description="The Asterisk servers Rampart protects, their connection status and the ruleset each one runs."
        actions={
          nodes.length > 0 ? (
            <>
              {canDeploy ? <PushDialog nodes={nodes.map((n) => ({ name: n.name, enabled: n.enabled }))} tags={tags} /> : null}
              {canWrite ? (
                <ButtonLink href="/nodes/new" variant={canDeploy ? "secondary" : "primary"}>
                  Add node
                </ButtonLink>
              ) : null}
            </>
          ) : null
        }
      />

      {addedNode ? (
        <div className="mb-4">
          <Alert tone="success">
            Node {addedNode.name} was added with host key {addedNode.hostKeyFingerprint} pinned. Test the connection once its authorized_keys holds Rampart&apos;s public key.
          </Alert>
        </div>
      ) : null}

      {alerts.map((node) => (
        <div
          key={node.id}
          role="alert"
          className="mb-4 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-500/40 dark:bg-red-950 dark:text-red-100"
        >
          <p className="font-semibold">The host key of {node.name} changed: every command to it is stopped.</p>
          <p className="mt-1">
            On {formatInstant(node.hostKeyAlert!.at)} the node presented <code className="font-mono break-all">{node.hostKeyAlert!.fingerprint}</code> instead of the pinned{" "}
            <code className="font-mono break-all">{node.hostKeyFingerprint}</code>. If the node was not reinstalled or re-keyed on purpose, someone may be in between.
          </p>
          <Link href={`/nodes/${node.name}#host-key`} className="mt-2 inline-block font-semibold underline">
            Review new host key
          </Link>
        </div>
      ))}

      {nodes.length === 0 ? (
        <EmptyState
          icon={<NavIcon name="nodes" />}
          title="No nodes yet"
          description={
            canWrite
              ? "Add the first Asterisk server: Rampart reaches it over SSH with a key you paste, upload or let it generate, and pins its host key."
              : "An administrator adds nodes; they will be listed here with the version each one runs."
          }
          action={canWrite ? <ButtonLink href="/nodes/new">Add node</ButtonLink> : undefined}
        />
      ) : (
        <DataTable label="Nodes">
          <DataTableHead>
            <DataTableHeaderCell>Node</DataTableHeaderCell>
            <DataTableHeaderCell>Address</DataTableHeaderCell>
            <DataTableHeaderCell>Running</DataTableHeaderCell>
            <DataTableHeaderCell>Last push</DataTableHeaderCell>
            <DataTableHeaderCell>Tools</DataTableHeaderCell>
            {canWrite || canDeploy ? (
              <DataTableHeaderCell align="right">
                <span className="sr-only">Actions</span>
              </DataTableHeaderCell>
            ) : null}
          </DataTableHead>
          <DataTableBody>
            {nodes.map((node) => (
              <DataTableRow key={node.id}>
                <DataTableCell>
                  <Link href={`/nodes/${node.name}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                    {node.name}
                  </Link>
                  <div className="mt-1 flex flex-wrap gap-1">
                    {node.hostKeyAlert ? <Badge tone="danger">Host key changed</Badge> : null}
                    {!node.enabled ? <Badge tone="neutral">Disabled</Badge> : null}
                    {node.tags.map((tag) => (
                      <Badge key={tag} tone="info">
                        {tag}
                      </Badge>
                    ))}
                  </div>
                </DataTableCell>
                <DataTableCell isMono>
                  {node.user}@{formatAddress(node.host, node.port)}
                </DataTableCell>
                <DataTableCell>
                  {node.running ? (
                    <>
                      <ShortHash hash={node.running.hash} />
                      <span className="block text-xs text-slate-500 dark:text-slate-400">since {formatInstant(node.running.confirmedAt)}</span>
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">Nothing pushed yet</span>
                  )}
                </DataTableCell>
                <DataTableCell className="max-w-xs whitespace-normal">
                  {node.lastDeployment ? (
                    <>
                      <StateBadge state={node.lastDeployment.state} />{" "}
                      <span className="text-xs text-slate-500 dark:text-slate-400">
                        <UtcTime date={node.lastDeployment.finishedAt ?? node.lastDeployment.createdAt} />
                      </span>
                      {node.lastDeployment.message ? <span className="mt-1 block text-xs">{node.lastDeployment.message}</span> : null}
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">—</span>
                  )}
                </DataTableCell>
                <DataTableCell className="whitespace-normal">
                  <ToolsSummary tools={node.tools} testedAt={node.lastTestedAt} />
                </DataTableCell>
                {canWrite || canDeploy ? (
                  <DataTableCell align="right" className="min-w-64 whitespace-normal">
                    <NodeActions node={{ id: node.id, name: node.name }} canWrite={canWrite} canDeploy={canDeploy} />
                  </DataTableCell>
                ) : null}
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </>
  );
}
