import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableEmptyRow,
  DataTableHead,
  DataTableHeaderCell,
  DataTableRow,
} from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getNode, NODE_HISTORY_LENGTH, type NodeDetail } from "@/lib/db/queries/nodes";
import { planNodeRepair } from "@/lib/deploy/repair";
import { isAppError } from "@/lib/errors";
import { nodeNameSchema } from "@/lib/validation/node-slug";
import { UtcTime } from "@/components/ui/utc-time";
import { formatInstant } from "@/lib/format/instant";

import { formatAddress, HOST_KEY_COMMAND, ShortHash, StateBadge, ToolsSummary } from "../_components/display";
import { NodeActions } from "../_components/node-actions";
import { NodeSettingsForm } from "../_components/node-settings-form";
import { PublicKeyBox } from "../_components/public-key-box";
import { RepairNode } from "../_components/repair-node";
import { RepinHostKey } from "../_components/repin-host-key";
import { ReplaceKeyForm } from "../_components/replace-key-form";
import { NodeExposureCard } from "./_components/exposure-card";
import { NodeObservation } from "./_components/observation-node";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  const parsed = nodeNameSchema.safeParse(decodeURIComponent(name));
  return { title: parsed.success ? `Node ${parsed.data}` : "Node" };
}

async function loadNode(name: string, caller: Parameters<typeof getNode>[0]): Promise<NodeDetail> {
  const parsed = nodeNameSchema.safeParse(decodeURIComponent(name));
  if (!parsed.success) notFound();
  try {
    return await getNode(caller, parsed.data);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export default async function NodePage({ params }: Props) {
  const user = await requirePagePermission("nodes:read");
  const caller = callerFromUser(user);
  const node = await loadNode((await params).name, caller);
  const canWrite = hasPermission(user.role, "nodes:write");
  const canDeploy = hasPermission(user.role, "deploy");
  const repair = await planNodeRepair(caller, node.id);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/nodes" className="text-brand-700 hover:underline dark:text-brand-100">
          Nodes
        </Link>
      </nav>
      <PageHeader
        title={node.name}
        description={`${node.user}@${formatAddress(node.host, node.port)}${node.enabled ? "" : " · disabled: left out of pushes"}`}
        actions={<NodeActions node={{ id: node.id, name: node.name }} canWrite={canWrite} canDeploy={canDeploy} isDetail />}
      />

      {node.hostKeyAlert ? (
        <div role="alert" className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-500/40 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">The host key changed: every command to this node is stopped.</p>
          <p className="mt-1">
            On {formatInstant(node.hostKeyAlert.at)} the node presented <code className="font-mono break-all">{node.hostKeyAlert.fingerprint}</code>. Review it below before
            pinning it.
          </p>
        </div>
      ) : null}

      {repair.isDrifted ? (
        <section
          aria-label="Drift"
          data-testid="node-drift"
          className="mb-6 flex flex-wrap items-start justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100"
        >
          <div className="min-w-0 flex-1">
            <p className="font-semibold">Drifted: Rampart&apos;s chains or sets on the node differ from the version it confirmed.</p>
            {repair.driftMessage ? <p className="mt-1">{repair.driftMessage}</p> : null}
            {repair.version === null ? <p className="mt-1">Rampart has no confirmed version of this node to re-apply: push the current policy instead.</p> : null}
          </div>
          {canDeploy && repair.version !== null && repair.isEnabled ? <RepairNode node={{ id: node.id, name: node.name }} version={repair.version.hash} /> : null}
        </section>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Status" />
          <CardBody>
            <dl className="grid gap-4 sm:grid-cols-2">
              <Fact label="Running version">
                {node.running ? (
                  <>
                    <ShortHash hash={node.running.hash} /> <span className="text-xs text-slate-500">since {formatInstant(node.running.confirmedAt)}</span>
                  </>
                ) : (
                  "Nothing pushed yet"
                )}
              </Fact>
              <Fact label="Last push">
                {node.lastDeployment ? (
                  <>
                    <StateBadge state={node.lastDeployment.state} /> <UtcTime date={node.lastDeployment.finishedAt ?? node.lastDeployment.createdAt} />
                  </>
                ) : (
                  "—"
                )}
              </Fact>
              <Fact label="Tools">
                <ToolsSummary tools={node.tools} testedAt={node.lastTestedAt} />
              </Fact>
              <Fact label="Last connection test">
                <UtcTime date={node.lastTestedAt} />
              </Fact>
              <Fact label="Tags">
                {node.tags.length > 0 ? (
                  <span className="flex flex-wrap gap-1">
                    {node.tags.map((tag) => (
                      <Badge key={tag} tone="info">
                        {tag}
                      </Badge>
                    ))}
                  </span>
                ) : (
                  "None"
                )}
              </Fact>
              <Fact label="Management address">{node.managementAddress ? <code className="font-mono">{node.managementAddress}</code> : "None"}</Fact>
            </dl>
          </CardBody>
        </Card>

        <Card id="host-key">
          <CardHeader
            title="Host key"
            description={
              <>
                Compare with <code className="font-mono">{HOST_KEY_COMMAND}</code> on the node.
              </>
            }
          />
          <CardBody className="space-y-4">
            <p className="text-sm">
              Pinned: <code className="font-mono break-all">{node.hostKeyFingerprint ?? "none"}</code>
            </p>
            {canWrite ? (
              <RepinHostKey node={{ id: node.id, host: node.host, port: node.port, hostKeyFingerprint: node.hostKeyFingerprint }} hasAlert={node.hostKeyAlert !== null} />
            ) : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="SSH key" description="The private key is stored encrypted and is never shown. The public key goes into the node's authorized_keys." />
          <CardBody className="space-y-4">
            {node.publicKey ? <PublicKeyBox publicKey={node.publicKey} user={node.user} /> : <p className="text-sm">No key stored.</p>}
            {canWrite ? (
              <details>
                <summary className="cursor-pointer text-sm font-medium text-brand-700 dark:text-brand-100">Replace the key</summary>
                <div className="mt-3">
                  <ReplaceKeyForm nodeId={node.id} user={node.user} />
                </div>
              </details>
            ) : null}
          </CardBody>
        </Card>

        {canWrite ? (
          <Card id="settings">
            <CardHeader title="Settings" />
            <CardBody>
              <NodeSettingsForm
                node={{ id: node.id, name: node.name, host: node.host, port: node.port, user: node.user, tags: node.tags, managementAddress: node.managementAddress, enabled: node.enabled }}
              />
            </CardBody>
          </Card>
        ) : null}
      </div>

      <NodeObservation nodeId={node.id} />

      <NodeExposureCard caller={caller} nodeId={node.id} />

      <section aria-labelledby="history-heading" className="mt-8">
        <h2 id="history-heading" className="mb-3 text-lg font-semibold text-slate-900 dark:text-white">
          Deployment history
        </h2>
        <DataTable label={`Deployments to ${node.name} (the last ${NODE_HISTORY_LENGTH})`}>
          <DataTableHead>
            <DataTableHeaderCell>Started</DataTableHeaderCell>
            <DataTableHeaderCell>State</DataTableHeaderCell>
            <DataTableHeaderCell>Version</DataTableHeaderCell>
            <DataTableHeaderCell>Finished</DataTableHeaderCell>
            <DataTableHeaderCell>Message</DataTableHeaderCell>
            <DataTableHeaderCell>
              <span className="sr-only">Push</span>
            </DataTableHeaderCell>
          </DataTableHead>
          <DataTableBody>
            {node.deployments.length === 0 ? (
              <DataTableEmptyRow colSpan={6}>
                <EmptyState as="h3" isFramed={false} title="No pushes yet" description="Pushes to this node will be listed here with their outcome." />
              </DataTableEmptyRow>
            ) : (
              node.deployments.map((d) => (
                <DataTableRow key={d.id}>
                  <DataTableCell>
                    <UtcTime date={d.createdAt} />
                  </DataTableCell>
                  <DataTableCell>
                    <StateBadge state={d.state} />
                    {d.canary ? <span className="ml-2 text-xs text-slate-500">canary</span> : null}
                  </DataTableCell>
                  <DataTableCell>
                    <ShortHash hash={d.rulesetHash} />
                  </DataTableCell>
                  <DataTableCell>
                    <UtcTime date={d.finishedAt} fallback="—" />
                  </DataTableCell>
                  <DataTableCell className="max-w-md whitespace-normal">{d.message || "—"}</DataTableCell>
                  <DataTableCell>
                    <Link href={`/nodes/pushes/${d.batchId}`} className="text-brand-700 hover:underline dark:text-brand-100">
                      View push
                    </Link>
                  </DataTableCell>
                </DataTableRow>
              ))
            )}
          </DataTableBody>
        </DataTable>
      </section>
    </>
  );
}
