import Link from "next/link";

import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { Caller } from "@/lib/auth/caller";
import { hasPermission } from "@/lib/auth/permissions";
import { getExposure, getNodeExposureOverride } from "@/lib/db/queries/exposure";

import { ExposureTable } from "../../../firewall/exposure/_components/exposure-table";
import { NodeExposureOverrideForm } from "../../../firewall/exposure/_components/override-form";

/** The node's exposure: what it will expose, and (for administrators) its override of the cluster's policy. */
export async function NodeExposureCard({ caller, nodeId }: { caller: Caller; nodeId: string }) {
  if (!hasPermission(caller.role, "policy:read")) return null;
  const [view, cluster] = await Promise.all([getNodeExposureOverride(caller, nodeId), getExposure(caller)]);
  const canWrite = hasPermission(caller.role, "settings:manage");
  return (
    <section id="exposure" aria-labelledby="exposure-heading" className="mt-8">
      <Card>
        <CardHeader
          as="h2"
          title={<span id="exposure-heading">Exposure</span>}
          description={
            <>
              {view.override === null ? "Follows the cluster's " : "Overrides fields of the cluster's "}
              <Link href="/firewall/exposure" className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                exposure policy
              </Link>
              . Changes reach the node with its next deployment.
            </>
          }
        />
        <CardBody className="space-y-6">
          {view.overrideProblem ? <Alert tone="error">{view.overrideProblem}</Alert> : null}
          <ExposureTable label={`What ${view.nodeName} will expose`} rows={view.summary} />
          {canWrite ? (
            <details open={view.override !== null}>
              <summary className="cursor-pointer text-sm font-medium text-brand-700 dark:text-brand-100">Override for this node</summary>
              <div className="mt-4">
                <NodeExposureOverrideForm nodeId={view.nodeId} nodeName={view.nodeName} cluster={cluster} override={view.override} canWrite />
              </div>
            </details>
          ) : view.override !== null ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">This node overrides: {Object.keys(view.override).join(", ")}. Only administrators change it.</p>
          ) : null}
        </CardBody>
      </Card>
    </section>
  );
}
