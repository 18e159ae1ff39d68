"use client";

import { useId, useState, useTransition, type FormEvent, type KeyboardEvent } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
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
import { CheckboxField, TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";
import { COMMENT_MAX_LENGTH, LIST_LIMITS, SIGNATURE_LIMITS } from "@/lib/validation/policy";

import { DeployNote } from "../../rate-limits/_components/settings-form-parts";
import { createScannerAction, deleteScannerAction, updateScannerAction, type ScannerItem } from "../actions";

const PATTERN_HINT =
  `${SIGNATURE_LIMITS.minLength}–${SIGNATURE_LIMITS.maxLength} characters: letters, digits, spaces and . _ - / ( ) + : ` +
  "Matched literally and case-sensitively anywhere in the SIP request, so “sipvicious” does not catch “SIPVicious”.";

const inputClass =
  "block w-full min-w-40 rounded-md border bg-white px-2 py-1 text-sm shadow-sm dark:bg-slate-950 " +
  "border-slate-300 dark:border-slate-700 aria-invalid:border-red-500";

interface ScannerManagerProps {
  signatures: ScannerItem[];
  canWrite: boolean;
}

type Notice = { kind: "status" | "error"; text: string } | null;

export function ScannerManager({ signatures, canWrite }: ScannerManagerProps) {
  const [isPending, startTransition] = useTransition();
  const [notice, setNotice] = useState<Notice>(null);

  // Add form
  const [draft, setDraft] = useState({ pattern: "", comment: "", enabled: true });
  const [draftErrors, setDraftErrors] = useState<FieldErrors>({});

  // Inline edit
  const [editingId, setEditingId] = useState<string | null>(null);
  const [edit, setEdit] = useState({ pattern: "", comment: "" });
  const [editErrors, setEditErrors] = useState<FieldErrors>({});
  const editErrorId = useId();

  const [busyId, setBusyId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<ScannerItem | null>(null);
  const [filter, setFilter] = useState("");

  const enabledCount = signatures.filter((s) => s.enabled).length;
  const q = filter.trim().toLowerCase();
  const shown = q === "" ? signatures : signatures.filter((s) => s.pattern.toLowerCase().includes(q) || s.comment.toLowerCase().includes(q));
  const caseTwin = draft.pattern !== "" ? signatures.find((s) => s.pattern !== draft.pattern && s.pattern.toLowerCase() === draft.pattern.toLowerCase()) : undefined;

  function run<T>(action: () => Promise<ActionResult<T>>, onDone: (result: ActionResult<T>) => void) {
    startTransition(async () => {
      try {
        onDone(await action());
      } catch {
        onDone({ ok: false, error: "The server could not be reached. Nothing was changed; try again." });
      }
    });
  }

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    run(
      () => createScannerAction(draft),
      (result) => {
        if (result.ok) {
          setDraft({ pattern: "", comment: "", enabled: true });
          setDraftErrors({});
          setNotice({ kind: "status", text: `Added “${result.data.pattern}”${result.data.enabled ? "" : " (switched off)"}.` });
        } else {
          setDraftErrors(result.fieldErrors ?? { pattern: [result.error] });
          setNotice({ kind: "error", text: result.error });
        }
      },
    );
  }

  function startEdit(item: ScannerItem) {
    setEditingId(item.id);
    setEdit({ pattern: item.pattern, comment: item.comment });
    setEditErrors({});
    setNotice(null);
  }

  function saveEdit(item: ScannerItem) {
    setBusyId(item.id);
    run(
      () => updateScannerAction(item.id, { pattern: edit.pattern, comment: edit.comment }),
      (result) => {
        setBusyId(null);
        if (result.ok) {
          setEditingId(null);
          setNotice({ kind: "status", text: `Saved “${result.data.pattern}”.` });
        } else {
          setEditErrors(result.fieldErrors ?? { pattern: [result.error] });
        }
      },
    );
  }

  function onEditKeyDown(event: KeyboardEvent<HTMLInputElement>, item: ScannerItem) {
    if (event.key === "Enter") {
      event.preventDefault();
      saveEdit(item);
    } else if (event.key === "Escape") {
      event.preventDefault();
      setEditingId(null);
    }
  }

  function toggle(item: ScannerItem) {
    setBusyId(item.id);
    setNotice(null);
    run(
      () => updateScannerAction(item.id, { enabled: !item.enabled }),
      (result) => {
        setBusyId(null);
        setNotice(
          result.ok
            ? { kind: "status", text: `“${result.data.pattern}” is now ${result.data.enabled ? "blocked" : "switched off"}.` }
            : { kind: "error", text: result.error },
        );
      },
    );
  }

  function confirmDelete() {
    const item = toDelete;
    if (!item) return;
    run(
      () => deleteScannerAction(item.id),
      (result) => {
        setToDelete(null);
        setNotice(result.ok ? { kind: "status", text: `Deleted “${item.pattern}”.` } : { kind: "error", text: result.error });
      },
    );
  }

  const isFull = signatures.length >= LIST_LIMITS.scannerSignatures;

  return (
    <div className="space-y-6">
      {canWrite ? (
        <Card>
          <CardHeader title="Add a signature" description="Text that appears in the requests of a scanning tool, usually its User-Agent." />
          <CardBody>
            <form onSubmit={onAdd} noValidate aria-label="Add a signature" className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto]">
              <TextField
                label="Signature"
                name="pattern"
                autoComplete="off"
                spellCheck={false}
                value={draft.pattern}
                onChange={(e) => setDraft((d) => ({ ...d, pattern: e.target.value }))}
                hint={
                  caseTwin
                    ? `Differs from “${caseTwin.pattern}” only in case. Matching is case-sensitive, so both would be kept.`
                    : PATTERN_HINT
                }
                error={draftErrors.pattern ?? draftErrors._form}
              />
              <TextField
                label="Comment"
                name="comment"
                autoComplete="off"
                value={draft.comment}
                onChange={(e) => setDraft((d) => ({ ...d, comment: e.target.value }))}
                hint={`Optional, up to ${COMMENT_MAX_LENGTH} characters: what the tool is.`}
                error={draftErrors.comment}
              />
              <div className="flex flex-col gap-3 md:pt-6">
                <CheckboxField label="Block at once" checked={draft.enabled} onChange={(e) => setDraft((d) => ({ ...d, enabled: e.target.checked }))} />
                <Button type="submit" disabled={isPending || isFull} aria-busy={(isPending && busyId === null) || undefined}>
                  Add signature
                </Button>
              </div>
            </form>
            {isFull ? (
              <p className="mt-3 text-sm text-amber-800 dark:text-amber-300">
                The list holds {LIST_LIMITS.scannerSignatures} signatures, the most a ruleset takes. Delete unused ones to add more.
              </p>
            ) : null}
          </CardBody>
        </Card>
      ) : null}

      <div className="space-y-3">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {signatures.length} {signatures.length === 1 ? "signature" : "signatures"}, {enabledCount} blocking.
            {q !== "" ? ` Showing ${shown.length} that match.` : ""}
          </p>
          {signatures.length > 0 ? (
            <TextField
              label="Filter signatures"
              type="search"
              autoComplete="off"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              className="sm:w-72"
            />
          ) : null}
        </div>

        <p role="status" className={notice?.kind === "status" ? "text-sm font-medium text-emerald-700 dark:text-emerald-400" : "sr-only"}>
          {notice?.kind === "status" ? notice.text : ""}
        </p>
        <p role="alert" className={notice?.kind === "error" ? "text-sm font-medium text-red-700 dark:text-red-400" : "sr-only"}>
          {notice?.kind === "error" ? notice.text : ""}
        </p>

        <DataTable label="Scanner signatures">
          <DataTableHead>
            <DataTableHeaderCell>Signature</DataTableHeaderCell>
            <DataTableHeaderCell>Comment</DataTableHeaderCell>
            <DataTableHeaderCell>Blocking</DataTableHeaderCell>
            {canWrite ? (
              <DataTableHeaderCell align="right">
                <span className="sr-only">Actions</span>
              </DataTableHeaderCell>
            ) : null}
          </DataTableHead>
          <DataTableBody>
            {shown.length === 0 ? (
              <DataTableEmptyRow colSpan={canWrite ? 4 : 3}>
                {signatures.length === 0 ? (
                  <EmptyState
                    as="h3"
                    isFramed={false}
                    title="No scanner signatures"
                    description="Nothing is dropped by User-Agent. Add the text of tools such as friendly-scanner, sipvicious or sipcli that probe for extensions and weak passwords."
                  />
                ) : (
                  <EmptyState as="h3" isFramed={false} title={`No signature matches “${filter.trim()}”`} />
                )}
              </DataTableEmptyRow>
            ) : (
              shown.map((item) => {
                const isEditing = editingId === item.id;
                const isBusy = busyId === item.id && isPending;
                const editError = editErrors.pattern ?? editErrors.comment ?? editErrors._form;
                return (
                  <DataTableRow key={item.id}>
                    <DataTableCell isMono className="align-top">
                      {isEditing ? (
                        <input
                          aria-label="Edited signature"
                          className={`${inputClass} font-mono`}
                          value={edit.pattern}
                          autoFocus
                          spellCheck={false}
                          aria-invalid={editErrors.pattern ? true : undefined}
                          aria-describedby={editError ? editErrorId : undefined}
                          onChange={(e) => setEdit((d) => ({ ...d, pattern: e.target.value }))}
                          onKeyDown={(e) => onEditKeyDown(e, item)}
                        />
                      ) : (
                        item.pattern
                      )}
                    </DataTableCell>
                    <DataTableCell className="align-top whitespace-normal">
                      {isEditing ? (
                        <>
                          <input
                            aria-label="Edited comment"
                            className={inputClass}
                            value={edit.comment}
                            aria-invalid={editErrors.comment ? true : undefined}
                            aria-describedby={editError ? editErrorId : undefined}
                            onChange={(e) => setEdit((d) => ({ ...d, comment: e.target.value }))}
                            onKeyDown={(e) => onEditKeyDown(e, item)}
                          />
                          {editError ? (
                            <p id={editErrorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
                              {editError.join(" ")}
                            </p>
                          ) : null}
                        </>
                      ) : (
                        item.comment || <span className="text-slate-400 dark:text-slate-500">—</span>
                      )}
                    </DataTableCell>
                    <DataTableCell className="align-top">
                      <button
                        type="button"
                        role="switch"
                        aria-checked={item.enabled}
                        aria-label={`Block ${item.pattern}`}
                        disabled={!canWrite || isPending}
                        onClick={() => toggle(item)}
                        className="group inline-flex items-center gap-2 text-sm disabled:cursor-not-allowed disabled:opacity-70"
                      >
                        <span
                          aria-hidden="true"
                          className={`relative inline-flex h-5 w-9 shrink-0 rounded-full transition-colors ${item.enabled ? "bg-brand-600" : "bg-slate-300 dark:bg-slate-700"}`}
                        >
                          <span
                            className={`absolute top-0.5 size-4 rounded-full bg-white shadow transition-transform ${item.enabled ? "translate-x-4.5" : "translate-x-0.5"}`}
                          />
                        </span>
                        <span aria-hidden="true">{isBusy ? "…" : item.enabled ? "On" : "Off"}</span>
                      </button>
                    </DataTableCell>
                    {canWrite ? (
                      <DataTableCell align="right" className="align-top">
                        <div className="flex justify-end gap-2">
                          {isEditing ? (
                            <>
                              <Button size="sm" onClick={() => saveEdit(item)} disabled={isPending} aria-busy={isBusy || undefined}>
                                Save
                              </Button>
                              <Button size="sm" variant="secondary" onClick={() => setEditingId(null)} disabled={isPending}>
                                Cancel
                              </Button>
                            </>
                          ) : (
                            <>
                              <Button size="sm" variant="secondary" onClick={() => startEdit(item)} disabled={isPending} aria-label={`Edit ${item.pattern}`}>
                                Edit
                              </Button>
                              <Button size="sm" variant="ghost" onClick={() => setToDelete(item)} disabled={isPending} aria-label={`Delete ${item.pattern}`}>
                                Delete
                              </Button>
                            </>
                          )}
                        </div>
                      </DataTableCell>
                    ) : null}
                  </DataTableRow>
                );
              })
            )}
          </DataTableBody>
        </DataTable>
        <DeployNote />
      </div>

      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete “${toDelete?.pattern ?? ""}”?`}
        description="Requests with this text will no longer be dropped once the next ruleset is deployed. To stop blocking it for a while, switch it off instead."
        confirmLabel="Delete signature"
        isDestructive
        isPending={isPending}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      />
    </div>
  );
}
