"use client";

import Link from "next/link";
import { Fragment, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTableCell, DataTableRow } from "@/components/ui/data-table";
import type { DiffChange, DiffRow } from "../_lib/diff";

export interface AuditRowData {
  id: string;
  /** Already formatted (UTC) on the server: "2030-01-31" and "12:00:05 UTC". */
  date: string;
  time: string;
  isoTime: string;
  actorType: "USER" | "TOKEN" | "CLI" | "SYSTEM";
  actorLabel: string;
  ip: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  diff: DiffRow[];
  changeCount: number;
  /** "change": both sides exist; "values": only one does (a creation, a deletion, a reset), nothing to compare. */
  kind: "change" | "values";
}

const actorTypeLabels: Record<AuditRowData["actorType"], string | null> = { USER: null, TOKEN: "API token", CLI: "CLI", SYSTEM: "System" };

const changeStyles: Record<DiffChange, { label: string; row: string }> = {
  changed: { label: "changed", row: "bg-amber-50 dark:bg-amber-500/10" },
  added: { label: "added", row: "bg-emerald-50 dark:bg-emerald-500/10" },
  removed: { label: "removed", row: "bg-red-50 dark:bg-red-500/10" },
  unchanged: { label: "", row: "" },
};

/** A filter link that keeps nothing else: "everything by this actor", "the history of this object". */
const filterHref = (params: Record<string, string>) => `/audit?${new URLSearchParams(params).toString()}`;

/** The fields of an entry that has only one side: plain values, nothing highlighted. */
function ValuesTable({ rows }: { rows: DiffRow[] }) {
  return (
    <table className="w-full table-fixed text-left text-xs">
      <thead>
        <tr className="text-slate-500 dark:text-slate-400">
          <th scope="col" className="w-1/4 py-1 pr-3 font-semibold">Field</th>
          <th scope="col" className="py-1 font-semibold">Value</th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {rows.map((row) => (
          <tr key={row.key} className="border-t border-slate-200 align-top dark:border-slate-800">
            <th scope="row" className="py-1 pr-3 font-medium break-all text-slate-900 dark:text-slate-100">{row.key || "(value)"}</th>
            <td className="py-1 break-all whitespace-pre-wrap text-slate-700 dark:text-slate-300">{row.after ?? row.before}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DiffTable({ rows }: { rows: DiffRow[] }) {
  return (
    <table className="w-full table-fixed text-left text-xs">
      <thead>
        <tr className="text-slate-500 dark:text-slate-400">
          <th scope="col" className="w-1/4 py-1 pr-3 font-semibold">Field</th>
          <th scope="col" className="w-[37.5%] py-1 pr-3 font-semibold">Before</th>
          <th scope="col" className="w-[37.5%] py-1 font-semibold">After</th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {rows.map((row) => {
          const style = changeStyles[row.change];
          return (
            <tr key={row.key} className={`border-t border-slate-200 align-top dark:border-slate-800 ${style.row}`}>
              <th scope="row" className="py-1 pr-3 font-medium break-all text-slate-900 dark:text-slate-100">
                {row.key || "(value)"}
                {style.label ? " " : null}
                {style.label ? <span className="ml-2 font-sans text-[0.6875rem] font-semibold text-slate-600 uppercase dark:text-slate-300">{style.label}</span> : null}
              </th>
              <td className="py-1 pr-3 break-all whitespace-pre-wrap text-slate-700 dark:text-slate-300">
                {row.before ?? <span className="font-sans text-slate-400">—</span>}
              </td>
              <td className="py-1 break-all whitespace-pre-wrap text-slate-700 dark:text-slate-300">
                {row.after ?? <span className="font-sans text-slate-400">—</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The table rows of the audit log, each with an expandable before/after comparison. */
export function AuditRows({ rows }: { rows: AuditRowData[] }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      {rows.map((row) => {
        const isOpen = expanded.has(row.id);
        const detailsId = `audit-${row.id}-details`;
        const typeLabel = actorTypeLabels[row.actorType];
        return (
          <Fragment key={row.id}>
            <DataTableRow>
              <DataTableCell>
                <time dateTime={row.isoTime} className="tabular-nums">
                  {row.date}{" "}
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{row.time}</span>
                </time>
              </DataTableCell>
              <DataTableCell className="max-w-72 min-w-40 break-all whitespace-normal">
                <Link href={filterHref({ actor: row.actorLabel })} className="text-slate-900 hover:underline dark:text-white" title={`Everything by ${row.actorLabel}`}>
                  {row.actorLabel}
                </Link>
                {typeLabel ? <Badge className="ml-2">{typeLabel}</Badge> : null}
                {row.ip ? <span className="block text-xs text-slate-500 dark:text-slate-400">from {row.ip}</span> : null}
              </DataTableCell>
              <DataTableCell isMono>{row.action}</DataTableCell>
              <DataTableCell>
                <span className="text-slate-900 dark:text-white">{row.objectType}</span>
                {row.objectId ? (
                  <Link
                    href={filterHref({ objectType: row.objectType, objectId: row.objectId })}
                    className="block max-w-56 truncate font-mono text-xs text-slate-500 hover:underline dark:text-slate-400"
                    title={`History of ${row.objectType} ${row.objectId}`}
                  >
                    {row.objectId}
                  </Link>
                ) : null}
              </DataTableCell>
              <DataTableCell align="right">
                {row.diff.length > 0 ? (
                  <Button variant="ghost" size="sm" aria-expanded={isOpen} aria-controls={detailsId} onClick={() => toggle(row.id)}>
                    {isOpen ? "Hide details" : row.kind === "values" ? "Details" : row.changeCount === 1 ? "1 change" : `${row.changeCount} changes`}
                    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className={isOpen ? "rotate-180" : ""}>
                      <path strokeLinecap="round" strokeLinejoin="round" d="m19.5 8.25-7.5 7.5-7.5-7.5" />
                    </svg>
                  </Button>
                ) : (
                  <span className="text-xs text-slate-400 dark:text-slate-500">No details</span>
                )}
              </DataTableCell>
            </DataTableRow>
            {row.diff.length > 0 ? (
              <tr id={detailsId} hidden={!isOpen} className="bg-slate-50 dark:bg-slate-950/40">
                <td colSpan={5} className="px-4 py-3 sm:px-6">
                  {row.kind === "values" ? <ValuesTable rows={row.diff} /> : <DiffTable rows={row.diff} />}
                </td>
              </tr>
            ) : null}
          </Fragment>
        );
      })}
    </>
  );
}
