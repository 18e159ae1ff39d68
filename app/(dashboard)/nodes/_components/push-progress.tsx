"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { DataTable, DataTableBody, DataTableCell, DataTableHead, DataTableHeaderCell, DataTableRow } from "@/components/ui/data-table";
import type { PushBatchView } from "@/lib/deploy/batch";
import { formatInstant } from "@/lib/format/instant";

import { ShortHash, StateBadge } from "./display";

/** A push as GET /api/v1/pushes/[batchId] returns it: PushBatchView with its dates as ISO text. */
export type PushBatchJson = Omit<PushBatchView, "createdAt" | "deployments"> & {
  createdAt: string;
  deployments: Array<Omit<PushBatchView["deployments"][number], "rollbackAt" | "startedAt" | "finishedAt"> & { rollbackAt: string | null; startedAt: string | null; finishedAt: string | null }>;
};

const POLL_MS = 1_000;

/** Per-node states and progress of one push, polled every second until every node reached a final state. */
export function PushProgress({ initial }: { initial: PushBatchJson }) {
  const [batch, setBatch] = useState(initial);
  const [pollError, setPollError] = useState<string | null>(null);

  useEffect(() => {
    if (batch.finished) return;
    let isCancelled = false;
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/pushes/${initial.batchId}`, { cache: "no-store" });
        const body = (await response.json()) as PushBatchJson | { error: string };
        if (isCancelled) return;
        if (!response.ok || "error" in body) {
          setPollError("error" in body ? body.error : `The server answered ${response.status}.`);
          // Keep polling: a restart or a blip should not freeze the page.
          setBatch((current) => ({ ...current }));
          return;
        }
        setPollError(null);
        setBatch(body);
      } catch {
        if (!isCancelled) {
          setPollError("The server could not be reached; retrying.");
          setBatch((current) => ({ ...current }));
        }
      }
    }, POLL_MS);
    return () => {
      isCancelled = true;
      clearTimeout(timer);
    };
  }, [batch, initial.batchId]);

  const counts = batch.deployments.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.state]: (acc[d.state] ?? 0) + 1 }), {});
  const isAllConfirmed = batch.deployments.every((d) => d.state === "CONFIRMED");
  return (
    <div className="space-y-4">
      <p aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        {batch.finished
          ? isAllConfirmed
            ? `Finished: all ${batch.deployments.length} node${batch.deployments.length === 1 ? "" : "s"} confirmed.`
            : `Finished: ${Object.entries(counts)
                .map(([state, count]) => `${count} ${state.toLowerCase().replace("_", " ")}`)
                .join(", ")}.`
          : "In progress; this page follows the push live."}
      </p>
      {pollError ? <Alert tone="error">{pollError}</Alert> : null}
      <DataTable label="Nodes of this push">
        <DataTableHead>
          <DataTableHeaderCell>Node</DataTableHeaderCell>
          <DataTableHeaderCell>State</DataTableHeaderCell>
          <DataTableHeaderCell>Progress</DataTableHeaderCell>
          <DataTableHeaderCell>Version</DataTableHeaderCell>
          <DataTableHeaderCell>Message</DataTableHeaderCell>
        </DataTableHead>
        <DataTableBody>
          {batch.deployments.map((d) => (
            <DataTableRow key={d.id}>
              <DataTableCell className="font-medium text-slate-900 dark:text-white">
                {d.nodeName}
                {d.canary ? <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">(canary)</span> : null}
              </DataTableCell>
              <DataTableCell>
                <StateBadge state={d.state} />
              </DataTableCell>
              <DataTableCell>
                <div className="flex items-center gap-2">
                  <progress
                    value={d.progress}
                    max={100}
                    aria-label={`${d.nodeName} progress`}
                    className="h-2 w-32 overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-brand-600 dark:[&::-webkit-progress-bar]:bg-slate-700"
                  />
                  <span className="text-xs tabular-nums">{d.progress}%</span>
                </div>
              </DataTableCell>
              <DataTableCell>
                <ShortHash hash={d.rulesetHash} />
              </DataTableCell>
              <DataTableCell className="max-w-md whitespace-normal">
                {d.message || <span className="text-slate-400">—</span>}
                {d.rollbackAt && !d.finishedAt ? (
                  <span className="block text-xs text-slate-500 dark:text-slate-400">Rolls back by itself at {formatInstant(d.rollbackAt)} unless confirmed.</span>
                ) : null}
              </DataTableCell>
            </DataTableRow>
          ))}
        </DataTableBody>
      </DataTable>
    </div>
  );
}
