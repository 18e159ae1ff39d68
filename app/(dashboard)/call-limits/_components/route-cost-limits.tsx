"use client";

import Link from "next/link";
import { useEffect, useState, useTransition } from "react";
import { Button, SubmitButton } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { fieldError } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";
import { MONEY_HINT, type CurrencyOption } from "@/lib/validation/call-limits";
import { createRouteCostLimitAction, deleteRouteCostLimitAction, updateRouteCostLimitAction } from "../actions";
import { CurrencySelect } from "./currency-select";
import { useFormAction } from "./use-form-action";

export interface RouteRow {
  id: string;
  name: string;
  prefix: string;
  maxCostPerMinute: string;
  currency: string;
  /** Formatted on the server ("€0.50"), so server and browser render the same text. */
  display: string;
  /** Rates in the route's rate table. */
  rateCount: number;
}

interface RouteCostLimitsProps {
  rows: RouteRow[];
  canEdit: boolean;
  currencyOptions: readonly CurrencyOption[];
  defaultCurrency: string;
}

type Editor = { mode: "create" } | { mode: "edit"; row: RouteRow } | null;

export function RouteCostLimits({ rows, canEdit, currencyOptions, defaultCurrency }: RouteCostLimitsProps) {
  const [editor, setEditor] = useState<Editor>(null);
  const [notice, setNotice] = useState<ActionResult | null>(null);
  const [noticeText, setNoticeText] = useState<string | undefined>();
  const [pendingDelete, setPendingDelete] = useState<RouteRow | null>(null);
  const [isDeleting, startDelete] = useTransition();

  function confirmDelete() {
    const row = pendingDelete;
    if (!row) return;
    const formData = new FormData();
    formData.set("id", row.id);
    startDelete(async () => {
      const result = await deleteRouteCostLimitAction(null, formData);
      setNotice(result);
      setNoticeText(`Route “${row.name}” deleted.`);
      setPendingDelete(null);
    });
  }

  return (
    <div className="space-y-4">
      {canEdit ? (
        <div className="flex justify-end">
          <Button
            variant="secondary"
            onClick={() => {
              setNotice(null);
              setEditor({ mode: "create" });
            }}
            disabled={editor?.mode === "create"}
          >
            Add route limit
          </Button>
        </div>
      ) : null}
      {canEdit && editor ? (
        <RouteForm
          key={editor.mode === "edit" ? editor.row.id : "create"}
          row={editor.mode === "edit" ? editor.row : null}
          currencyOptions={currencyOptions}
          defaultCurrency={defaultCurrency}
          onDone={(message) => {
            setEditor(null);
            setNotice({ ok: true, data: undefined });
            setNoticeText(message);
          }}
          onCancel={() => setEditor(null)}
        />
      ) : null}
      <FormMessage state={notice} success={noticeText} />
      <DataTable label="Route cost limits">
        <DataTableHead>
          <DataTableHeaderCell>Name</DataTableHeaderCell>
          <DataTableHeaderCell>Prefix</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Maximum cost</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Rates</DataTableHeaderCell>
          {canEdit ? (
            <DataTableHeaderCell align="right">
              <span className="sr-only">Actions</span>
            </DataTableHeaderCell>
          ) : null}
        </DataTableHead>
        <DataTableBody>
          {rows.length === 0 ? (
            <DataTableEmptyRow colSpan={canEdit ? 5 : 4}>
              <EmptyState
                as="h3"
                isFramed={false}
                title="No route cost limits"
                description="A route limit caps the per-minute cost of calls to a dialled prefix, such as 00881 for satellite phones, a favourite of toll fraud."
              />
            </DataTableEmptyRow>
          ) : (
            rows.map((row) => (
              <DataTableRow key={row.id}>
                <DataTableCell className="font-medium">{row.name}</DataTableCell>
                <DataTableCell isMono>{row.prefix}</DataTableCell>
                <DataTableCell align="right">{row.display} per minute</DataTableCell>
                <DataTableCell align="right">
                  <Link
                    href={`/call-limits/routes/${row.id}`}
                    aria-label={`Rates of route ${row.name}`}
                    className="text-brand-700 hover:underline dark:text-brand-100"
                  >
                    {row.rateCount === 0 ? "No rates" : `${row.rateCount.toLocaleString("en-US")} ${row.rateCount === 1 ? "rate" : "rates"}`}
                  </Link>
                </DataTableCell>
                {canEdit ? (
                  <DataTableCell align="right">
                    <div className="flex justify-end gap-1">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Edit route ${row.name}`}
                        onClick={() => {
                          setNotice(null);
                          setEditor({ mode: "edit", row });
                        }}
                      >
                        Edit
                      </Button>
                      <Button size="sm" variant="ghost" aria-label={`Delete route ${row.name}`} onClick={() => setPendingDelete(row)}>
                        Delete
                      </Button>
                    </div>
                  </DataTableCell>
                ) : null}
              </DataTableRow>
            ))
          )}
        </DataTableBody>
      </DataTable>
      <ConfirmDialog
        open={pendingDelete !== null}
        title={`Delete the route “${pendingDelete?.name ?? ""}”?`}
        description={pendingDelete ? `Calls to ${pendingDelete.prefix}… will no longer be held to ${pendingDelete.display} per minute.` : undefined}
        confirmLabel="Delete route"
        isDestructive
        isPending={isDeleting}
        onConfirm={confirmDelete}
        onCancel={() => setPendingDelete(null)}
      />
    </div>
  );
}

interface RouteFormProps {
  row: RouteRow | null;
  currencyOptions: readonly CurrencyOption[];
  defaultCurrency: string;
  onDone: (message: string) => void;
  onCancel: () => void;
}

function RouteForm({ row, currencyOptions, defaultCurrency, onDone, onCancel }: RouteFormProps) {
  const [state, onSubmit, isPending] = useFormAction(row ? updateRouteCostLimitAction : createRouteCostLimitAction);
  const [submitted, setSubmitted] = useState("");

  useEffect(() => {
    if (state?.ok) onDone(row ? `Route “${submitted}” saved.` : `Route “${submitted}” added.`);
  }, [state, onDone, row, submitted]);

  const title = row ? `Edit route ${row.name}` : "New route limit";
  return (
    <form
      onSubmit={(event) => {
        setSubmitted(String(new FormData(event.currentTarget).get("name") ?? "").trim());
        onSubmit(event);
      }}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      noValidate
      aria-label={title}
    >
      <h3 className="mb-3 text-sm font-semibold">{title}</h3>
      {row ? <input type="hidden" name="id" value={row.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={100}
          autoComplete="off"
          defaultValue={row?.name ?? ""}
          error={fieldError(state, "name")}
          // The form opens on a click of "Add" or "Edit": typing starts here.
          autoFocus
        />
        <TextField
          name="prefix"
          label="Dialled prefix"
          required
          inputMode="tel"
          maxLength={16}
          autoComplete="off"
          defaultValue={row?.prefix ?? ""}
          hint="Digits, optionally after +, such as 00881."
          error={fieldError(state, "prefix")}
        />
        <TextField
          name="maxCostPerMinute"
          label="Maximum cost"
          unit="per minute"
          inputMode="decimal"
          required
          autoComplete="off"
          defaultValue={row?.maxCostPerMinute ?? ""}
          hint={MONEY_HINT}
          error={fieldError(state, "maxCostPerMinute")}
        />
        <CurrencySelect defaultValue={row?.currency ?? defaultCurrency} options={currencyOptions} error={fieldError(state, "currency")} />
      </div>
      <div className="mt-4">
        <FormMessage state={state?.ok ? null : state} fields={["name", "prefix", "maxCostPerMinute", "currency"]} />
      </div>
      <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={isPending}>
          Cancel
        </Button>
        <SubmitButton isPending={isPending}>{row ? "Save route" : "Add route"}</SubmitButton>
      </div>
    </form>
  );
}
