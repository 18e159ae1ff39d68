"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, DataTableBody, DataTableCell, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/action-result";
import { pendingBadgeText } from "@/lib/validation/tenant";
import { approveTenantNetworkAction, rejectTenantNetworkAction } from "../../actions";

export interface PendingNetworkRow {
  id: string;
  network: string;
  comment: string;
  pendingReason: string;
  author: string;
  createdAt: string;
}

interface PendingNetworksProps {
  tenantId: string;
  items: PendingNetworkRow[];
  /** Administrators approve and reject; everyone else sees why the network waits. */
  canDecide: boolean;
}

/** The tenant's networks that wait for an administrator's approval, with Approve / Reject for administrators. */
export function PendingNetworks({ tenantId, items, canDecide }: PendingNetworksProps) {
  const router = useRouter();
  const [rejecting, setRejecting] = useState<PendingNetworkRow | null>(null);
  const [result, setResult] = useState<ActionResult<{ network: string }> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function decide(entry: PendingNetworkRow, action: typeof approveTenantNetworkAction, verb: string) {
    const formData = new FormData();
    formData.set("tenantId", tenantId);
    formData.set("pendingEntryId", entry.id);
    startTransition(async () => {
      const outcome = await action(null, formData);
      setRejecting(null);
      setResult(outcome);
      setDone(outcome.ok ? `${outcome.data.network} ${verb}.` : null);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <section aria-labelledby="pending-networks-title" className="mb-6 space-y-3">
      <h2 id="pending-networks-title" className="text-base font-semibold">
        Waiting for approval ({items.length.toLocaleString("en-US")})
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        These networks have no effect yet: they are rendered nowhere and show no bans until an administrator approves them.
      </p>
      {done ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
          {done}
        </p>
      ) : null}
      <FormMessage state={result?.ok ? null : result} />
      <DataTable label="Networks waiting for approval">
        <DataTableHead>
          <DataTableHeaderCell>Network</DataTableHeaderCell>
          <DataTableHeaderCell>Why</DataTableHeaderCell>
          <DataTableHeaderCell>Comment</DataTableHeaderCell>
          <DataTableHeaderCell>Added by</DataTableHeaderCell>
          {canDecide ? <DataTableHeaderCell align="right">Decision</DataTableHeaderCell> : null}
        </DataTableHead>
        <DataTableBody>
          {items.map((entry) => (
            <DataTableRow key={entry.id}>
              <DataTableCell isMono>{entry.network}</DataTableCell>
              <DataTableCell>
                <Badge tone="warning">{pendingBadgeText(entry.pendingReason)}</Badge>
              </DataTableCell>
              <DataTableCell>{entry.comment || <span className="text-slate-400 dark:text-slate-500">—</span>}</DataTableCell>
              <DataTableCell>{entry.author}</DataTableCell>
              {canDecide ? (
                <DataTableCell align="right">
                  <div className="flex justify-end gap-2">
                    <Button size="sm" onClick={() => decide(entry, approveTenantNetworkAction, "approved")} disabled={isPending} aria-label={`Approve ${entry.network}`}>
                      Approve
                    </Button>
                    <Button size="sm" variant="danger" onClick={() => setRejecting(entry)} disabled={isPending} aria-label={`Reject ${entry.network}`}>
                      Reject
                    </Button>
                  </div>
                </DataTableCell>
              ) : null}
            </DataTableRow>
          ))}
        </DataTableBody>
      </DataTable>
      <ConfirmDialog
        open={rejecting !== null}
        title={`Reject ${rejecting?.network ?? "the network"}?`}
        description="The network is deleted from the tenant's IP restrictions. The tenant administrator can add it again, and it will wait for approval again."
        confirmLabel="Reject network"
        isDestructive
        isPending={isPending}
        onConfirm={() => rejecting && decide(rejecting, rejectTenantNetworkAction, "rejected and deleted")}
        onCancel={() => setRejecting(null)}
      />
    </section>
  );
}
