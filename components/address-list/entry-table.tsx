"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow, DataTableSelectAllCell, DataTableSelectCell } from "@/components/ui/data-table";
import { useRowSelection } from "@/components/ui/use-row-selection";
import type { ListTarget } from "@/lib/lists/targets";
import { pendingBadgeText } from "@/lib/validation/tenant";
import { bulkDeleteAction, countMatchingAction, deleteEntryAction, updateEntryAction } from "./actions";
import { EntryForm, isoToLocalInput, type ScopeChoice } from "./entry-form";
import { TRUST_SCOPE_INFO } from "@/lib/validation/address-entry";
import type { TrustScope } from "@/lib/validation/policy";
import { formatInstant } from "@/lib/format/instant";

import type { EntryRow } from "./entry-row";
import { Modal } from "./modal";

export interface ActiveFilter {
  q?: string;
  covers?: string;
  status: "all" | "active" | "expired";
  scope?: TrustScope;
}

interface EntryTableProps {
  target: ListTarget;
  items: EntryRow[];
  canWrite: boolean;
  /** The filter of the page, for "delete all matching". */
  filter: ActiveFilter;
  /** "the blocklist". */
  listName: string;
  /** The list whose overlap is a conflict ("whitelist"), or null. */
  otherListName: string | null;
  emptyState: React.ReactNode;
  /** Whitelist: a Scope column, and the scope in the edit form. */
  scopeChoice?: ScopeChoice;
}

const SCOPE_TONE = { ALL: "danger", SIP: "info", NO_BAN: "neutral" } as const;

/** What a scope trusts, as a badge whose title says it in a sentence. */
function ScopeBadge({ scope }: { scope: TrustScope }) {
  return (
    <Badge tone={SCOPE_TONE[scope]} title={TRUST_SCOPE_INFO[scope].description}>
      {scope === "ALL" ? "All ports" : scope === "SIP" ? "SIP only" : "No ban"}
    </Badge>
  );
}

type Pending =
  | { kind: "delete"; entry: EntryRow }
  | { kind: "delete-selected" }
  | { kind: "delete-matching"; count: number }
  | null;

function describeFilter(filter: ActiveFilter): string {
  const parts: string[] = [];
  if (filter.q) parts.push(`search “${filter.q}”`);
  if (filter.covers) parts.push(`covering ${filter.covers}`);
  if (filter.status !== "all") parts.push(filter.status === "active" ? "active only" : "expired only");
  if (filter.scope) parts.push(`scope ${filter.scope}`);
  return parts.length ? parts.join(", ") : "no filter: the whole list";
}

/** The entries of one page: selection, status badges, inline edit, delete and bulk delete with confirmation. */
export function EntryTable({ target, items, canWrite, filter, listName, otherListName, emptyState, scopeChoice }: EntryTableProps) {
  const router = useRouter();
  const [pending, setPending] = useState<Pending>(null);
  const [editing, setEditing] = useState<EntryRow | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  const { selection: selectedOnPage, isSelected, isAllSelected, toggle, toggleAll, clear } = useRowSelection(items.map((e) => e.id));

  function askDeleteMatching() {
    setMessage(null);
    startTransition(async () => {
      const result = await countMatchingAction(target, { q: filter.q, covers: filter.covers, status: filter.status, scope: filter.scope });
      if (!result.ok) {
        setMessage({ tone: "error", text: result.error });
        return;
      }
      if (result.data.count === 0) {
        setMessage({ tone: "error", text: "Nothing matches the filter any more." });
        return;
      }
      setPending({ kind: "delete-matching", count: result.data.count });
    });
  }

  function confirm() {
    const action = pending;
    if (!action) return;
    startTransition(async () => {
      if (action.kind === "delete") {
        const result = await deleteEntryAction(target, action.entry.id);
        setMessage(result.ok ? { tone: "success", text: `Deleted ${result.data.network}.` } : { tone: "error", text: result.error });
        if (result.ok) toggle(action.entry.id, false);
      } else if (action.kind === "delete-selected") {
        const result = await bulkDeleteAction(target, { ids: selectedOnPage });
        setMessage(result.ok ? { tone: "success", text: `Deleted ${result.data.deleted.toLocaleString("en-US")} selected ${result.data.deleted === 1 ? "entry" : "entries"}.` } : { tone: "error", text: result.error });
        if (result.ok) clear();
      } else {
        const result = await bulkDeleteAction(target, { filter: { q: filter.q, covers: filter.covers, status: filter.status, scope: filter.scope }, expectedCount: action.count });
        setMessage(result.ok ? { tone: "success", text: `Deleted ${result.data.deleted.toLocaleString("en-US")} matching ${result.data.deleted === 1 ? "entry" : "entries"}.` } : { tone: "error", text: result.error });
        if (result.ok) clear();
      }
      setPending(null);
      router.refresh();
    });
  }

  const columns = (canWrite ? 6 : 5) + (scopeChoice ? 1 : 0);
  const hasFilter = Boolean(filter.q || filter.covers || filter.status !== "all" || filter.scope);
  /** ALL entries are an administrator's to change or delete. */
  const isLocked = (entry: EntryRow) => scopeChoice !== undefined && entry.scope === "ALL" && !scopeChoice.canWriteAll;

  return (
    <div className="space-y-3">
      {canWrite && items.length > 0 ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
            {selectedOnPage.length > 0 ? `${selectedOnPage.length} selected` : "Select entries to delete several at once."}
          </span>
          <Button variant="danger" size="sm" disabled={selectedOnPage.length === 0 || isPending} onClick={() => setPending({ kind: "delete-selected" })}>
            Delete selected
          </Button>
          <Button variant="secondary" size="sm" disabled={isPending} onClick={askDeleteMatching}>
            {hasFilter ? "Delete all matching…" : "Delete all entries…"}
          </Button>
        </div>
      ) : null}

      {message ? (
        <Alert tone={message.tone}>{message.text}</Alert>
      ) : null}

      <DataTable label={`Entries of ${listName}`}>
        <DataTableHead>
          {canWrite ? (
            <DataTableSelectAllCell label="Select all entries on this page" isChecked={isAllSelected} isDisabled={items.length === 0} onToggle={toggleAll} />
          ) : null}
          <DataTableHeaderCell>Network</DataTableHeaderCell>
          {scopeChoice ? <DataTableHeaderCell>Scope</DataTableHeaderCell> : null}
          <DataTableHeaderCell>Status</DataTableHeaderCell>
          <DataTableHeaderCell>Comment</DataTableHeaderCell>
          <DataTableHeaderCell>Added</DataTableHeaderCell>
          {canWrite ? (
            <DataTableHeaderCell align="right" isSticky>
              Actions
            </DataTableHeaderCell>
          ) : null}
        </DataTableHead>
        <DataTableBody>
          {items.length === 0 ? (
            <DataTableEmptyRow colSpan={columns}>{emptyState}</DataTableEmptyRow>
          ) : (
            items.map((entry) => {
              const isRowSelected = isSelected(entry.id);
              return (
                <DataTableRow key={entry.id} isSelected={isRowSelected} data-network={entry.network}>
                  {canWrite ? <DataTableSelectCell label={`Select ${entry.network}`} isChecked={isRowSelected} onToggle={(isOn) => toggle(entry.id, isOn)} /> : null}
                  <DataTableCell isMono className={entry.isExpired ? "text-slate-400 line-through dark:text-slate-500" : undefined}>
                    {entry.network}
                  </DataTableCell>
                  {scopeChoice ? <DataTableCell>{entry.scope ? <ScopeBadge scope={entry.scope} /> : null}</DataTableCell> : null}
                  <DataTableCell>
                    <div className="flex flex-wrap gap-1">
                      {entry.isExpired ? (
                        <Badge tone="neutral" title={entry.expiresAt ? `Expired ${formatInstant(entry.expiresAt)}` : undefined}>
                          Expired
                        </Badge>
                      ) : entry.expiresAt ? (
                        <Badge tone="info">Expires {formatInstant(entry.expiresAt)}</Badge>
                      ) : (
                        <Badge tone="success">Active</Badge>
                      )}
                      {entry.conflictWith && otherListName ? (
                        <Badge tone="danger" title={`Overlaps ${entry.conflictWith} on ${otherListName}; the whitelist wins.`}>
                          Conflict: {entry.conflictWith} on {otherListName}
                        </Badge>
                      ) : null}
                      {entry.coveredBy ? <Badge tone="warning">Covered by {entry.coveredBy}</Badge> : null}
                      {entry.isOverBroad ? <Badge tone="warning">Broad network</Badge> : null}
                      {entry.pendingReason ? (
                        <Badge tone="warning" title="Rendered nowhere and no ban visibility until an administrator approves it.">
                          {pendingBadgeText(entry.pendingReason)}
                        </Badge>
                      ) : null}
                    </div>
                  </DataTableCell>
                  <DataTableCell className="max-w-xs truncate whitespace-nowrap" title={entry.comment || undefined}>
                    {entry.comment || <span className="text-slate-400 dark:text-slate-500">—</span>}
                  </DataTableCell>
                  <DataTableCell className="text-xs">
                    <time dateTime={entry.createdAt}>{formatInstant(entry.createdAt)}</time>
                    {entry.author ? <span className="block text-slate-500 dark:text-slate-400">{entry.author}</span> : null}
                  </DataTableCell>
                  {canWrite ? (
                    <DataTableCell align="right" isSticky>
                      <div className="flex justify-end gap-1">
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => setEditing(entry)}
                          aria-label={`Edit ${entry.network}`}
                          disabled={isLocked(entry)}
                          title={isLocked(entry) ? "An entry that trusts all ports is an administrator's to change." : undefined}
                        >
                          Edit
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-red-700 dark:text-red-400"
                          onClick={() => setPending({ kind: "delete", entry })}
                          aria-label={`Delete ${entry.network}`}
                          disabled={isLocked(entry)}
                          title={isLocked(entry) ? "An entry that trusts all ports is an administrator's to delete." : undefined}
                        >
                          Delete
                        </Button>
                      </div>
                    </DataTableCell>
                  ) : null}
                </DataTableRow>
              );
            })
          )}
        </DataTableBody>
      </DataTable>

      <ConfirmDialog
        open={pending !== null}
        isDestructive
        isPending={isPending}
        title={
          pending?.kind === "delete"
            ? `Delete ${pending.entry.network}?`
            : pending?.kind === "delete-selected"
              ? `Delete ${selectedOnPage.length} selected ${selectedOnPage.length === 1 ? "entry" : "entries"}?`
              : pending?.kind === "delete-matching"
                ? `Delete all ${pending.count.toLocaleString("en-US")} matching ${pending.count === 1 ? "entry" : "entries"}?`
                : "Delete?"
        }
        description={
          pending?.kind === "delete-matching"
            ? `Every entry of ${listName} matching the current filter (${describeFilter(filter)}) is deleted, not only this page. This cannot be undone.`
            : `The ${pending?.kind === "delete" ? "entry is" : "entries are"} removed from ${listName} and stop counting at the next deployment. This cannot be undone.`
        }
        confirmLabel={pending?.kind === "delete-matching" ? `Delete ${pending.count.toLocaleString("en-US")}` : "Delete"}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      />

      <Modal open={editing !== null} title={editing ? `Edit ${editing.network}` : "Edit"} onClose={() => setEditing(null)}>
        {editing ? (
          <div className="[&_form]:grid-cols-1 [&_form]:lg:grid-cols-1">
            <EntryForm
              key={editing.id}
              initial={{ network: editing.network, comment: editing.comment, expiresLocal: isoToLocalInput(editing.expiresAt), ...(editing.scope ? { scope: editing.scope } : {}) }}
              scopeChoice={scopeChoice}
              isEdit
              submitLabel="Save"
              pendingLabel="Saving…"
              listName={listName}
              autoFocus
              onSubmit={(input) => updateEntryAction(target, editing.id, input)}
              onCancel={() => setEditing(null)}
              onDone={(data) => {
                setEditing(null);
                setMessage({ tone: "success", text: [`Saved ${data.entry.network}.`, ...data.notices].join(" ") });
                router.refresh();
              }}
            />
          </div>
        ) : null}
      </Modal>
    </div>
  );
}
