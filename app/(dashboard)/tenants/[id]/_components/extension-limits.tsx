"use client";

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
import { EXTENSION_MAX_LENGTH, MONEY_HINT, type CurrencyOption } from "@/lib/validation/call-limits";
import { CurrencySelect } from "../../../call-limits/_components/currency-select";
import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { createExtensionLimitAction, deleteExtensionLimitAction, updateExtensionLimitAction } from "../actions";

export interface ExtensionLimitRow {
  id: string;
  extension: string;
  dailyLimit: string;
  currency: string;
  /** Formatted on the server ("€25.00"), so server and browser render the same text. */
  display: string;
}

interface ExtensionLimitsProps {
  tenantId: string;
  rows: ExtensionLimitRow[];
  canEdit: boolean;
  currencyOptions: readonly CurrencyOption[];
  defaultCurrency: string;
}

type Editor = { mode: "create" } | { mode: "edit"; row: ExtensionLimitRow } | null;

export function ExtensionLimits({ tenantId, rows, canEdit, currencyOptions, defaultCurrency }: ExtensionLimitsProps) {
  const [editor, setEditor] = useState<Editor>(null);
  const [notice, setNotice] = useState<ActionResult | null>(null);
  const [noticeText, setNoticeText] = useState<string | undefined>();
  const [pendingDelete, setPendingDelete] = useState<ExtensionLimitRow | null>(null);
  const [isDeleting, startDelete] = useTransition();

  function confirmDelete() {
    const row = pendingDelete;
    if (!row) return;
    const formData = new FormData();
    formData.set("id", row.id);
    startDelete(async () => {
      const result = await deleteExtensionLimitAction(null, formData);
      setNotice(result);
      setNoticeText(`Limit of extension ${row.extension} deleted.`);
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
            Add extension limit
          </Button>
        </div>
      ) : null}
      {canEdit && editor ? (
        <ExtensionLimitForm
          key={editor.mode === "edit" ? editor.row.id : "create"}
          tenantId={tenantId}
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
      <DataTable label="Extension limits">
        <DataTableHead>
          <DataTableHeaderCell>Extension</DataTableHeaderCell>
          <DataTableHeaderCell align="right">Daily limit</DataTableHeaderCell>
          {canEdit ? (
            <DataTableHeaderCell align="right">
              <span className="sr-only">Actions</span>
            </DataTableHeaderCell>
          ) : null}
        </DataTableHead>
        <DataTableBody>
          {rows.length === 0 ? (
            <DataTableEmptyRow colSpan={canEdit ? 3 : 2}>
              <EmptyState
                as="h3"
                isFramed={false}
                title="No extension limits"
                description="An extension limit caps what one phone may spend on calls per day, so a stolen SIP password cannot run up the whole tenant's bill."
              />
            </DataTableEmptyRow>
          ) : (
            rows.map((row) => (
              <DataTableRow key={row.id}>
                <DataTableCell isMono>{row.extension}</DataTableCell>
                <DataTableCell align="right">{row.display}</DataTableCell>
                {canEdit ? (
                  <DataTableCell align="right">
                    <div className="flex justify-end gap-1">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Edit limit of extension ${row.extension}`}
                        onClick={() => {
                          setNotice(null);
                          setEditor({ mode: "edit", row });
                        }}
                      >
                        Edit
                      </Button>
                      <Button size="sm" variant="ghost" aria-label={`Delete limit of extension ${row.extension}`} onClick={() => setPendingDelete(row)}>
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
        title={`Delete the limit of extension ${pendingDelete?.extension ?? ""}?`}
        description={pendingDelete ? `Extension ${pendingDelete.extension} will have no daily limit of its own (${pendingDelete.display} today).` : undefined}
        confirmLabel="Delete limit"
        isDestructive
        isPending={isDeleting}
        onConfirm={confirmDelete}
        onCancel={() => setPendingDelete(null)}
      />
    </div>
  );
}

interface ExtensionLimitFormProps {
  tenantId: string;
  row: ExtensionLimitRow | null;
  currencyOptions: readonly CurrencyOption[];
  defaultCurrency: string;
  onDone: (message: string) => void;
  onCancel: () => void;
}

function ExtensionLimitForm({ tenantId, row, currencyOptions, defaultCurrency, onDone, onCancel }: ExtensionLimitFormProps) {
  const [state, onSubmit, isPending] = useFormAction(row ? updateExtensionLimitAction : createExtensionLimitAction);
  const [submitted, setSubmitted] = useState("");

  useEffect(() => {
    if (state?.ok) onDone(row ? `Limit of extension ${submitted} saved.` : `Limit for extension ${submitted} added.`);
  }, [state, onDone, row, submitted]);

  return (
    <form
      onSubmit={(event) => {
        setSubmitted(String(new FormData(event.currentTarget).get("extension") ?? "").trim());
        onSubmit(event);
      }}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      noValidate
      aria-label={row ? `Edit limit of extension ${row.extension}` : "New extension limit"}
    >
      <h3 className="mb-3 text-sm font-semibold">{row ? `Edit limit of extension ${row.extension}` : "New extension limit"}</h3>
      <input type="hidden" name="tenantId" value={tenantId} />
      {row ? <input type="hidden" name="id" value={row.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          name="extension"
          label="Extension"
          required
          maxLength={EXTENSION_MAX_LENGTH}
          autoComplete="off"
          defaultValue={row?.extension ?? ""}
          hint="As dialled in Asterisk, such as 101."
          error={fieldError(state, "extension")}
          // The form opens on a click of "Add" or "Edit": typing starts here.
          autoFocus
        />
        <TextField
          name="dailyLimit"
          label="Daily limit"
          unit="per day"
          inputMode="decimal"
          required
          autoComplete="off"
          defaultValue={row?.dailyLimit ?? ""}
          hint={MONEY_HINT}
          error={fieldError(state, "dailyLimit")}
        />
        <CurrencySelect defaultValue={row?.currency ?? defaultCurrency} options={currencyOptions} error={fieldError(state, "currency")} />
      </div>
      <div className="mt-4">
        <FormMessage state={state?.ok ? null : state} fields={["extension", "dailyLimit", "currency"]} />
      </div>
      <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={isPending}>
          Cancel
        </Button>
        <SubmitButton isPending={isPending}>{row ? "Save limit" : "Add limit"}</SubmitButton>
      </div>
    </form>
  );
}
