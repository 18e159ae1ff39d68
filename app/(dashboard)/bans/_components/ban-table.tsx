"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, DataTableBody, DataTableCell, DataTableEmptyRow, DataTableHead, DataTableHeaderCell, DataTableRow, DataTableSelectAllCell, DataTableSelectCell } from "@/components/ui/data-table";
import { SelectField, TextField } from "@/components/ui/field";
import { useRowSelection } from "@/components/ui/use-row-selection";
import type { BanNode } from "@/lib/db/queries/bans";
import type { UnbanResult } from "@/lib/observe/unban";
import type { UnbanFollowUp } from "@/lib/validation/bans";
import { unbanAction } from "../actions";
import { formatInstant } from "@/lib/format/instant";

import type { BanRow } from "./ban-row";

// The banned-address table: row checkboxes, a bulk bar, per-row Unban, and one confirmation dialog for every
// action (which nodes, and for "unban and whitelist" the comment and optional expiry). The server action
// re-checks everything; this component only collects the request and shows the per-node result.

interface Pending {
  then: UnbanFollowUp;
  addresses: string[];
}

const ACTION_WORDS: Record<UnbanFollowUp, { title: string; confirm: string }> = {
  none: { title: "Unban", confirm: "Unban" },
  whitelist: { title: "Unban and whitelist", confirm: "Unban and whitelist" },
  block: { title: "Block permanently", confirm: "Add to the blocklist" },
};

const MAX_LISTED = 8;

function describeResult(result: UnbanResult): { tone: "success" | "error"; text: string } {
  const parts: string[] = [];
  const done = result.unbans.filter((u) => u.isUnbanned);
  const failed = result.unbans.filter((u) => !u.isUnbanned);
  if (result.unbans.length > 0) parts.push(`Unbanned ${done.length} of ${result.unbans.length} bans (per node and jail).`);
  for (const f of failed.slice(0, 5)) parts.push(`${f.address} on ${f.nodeName} (${f.jail}): ${f.message}`);
  if (failed.length > 5) parts.push(`…and ${failed.length - 5} more not confirmed.`);
  const added = result.lists.filter((l) => l.isAdded);
  if (added.length > 0) parts.push(`Added ${added.length} to the ${added[0]!.list}${added[0]!.list === "blocklist" ? "; nodes apply it with the next push" : ""}.`);
  for (const l of result.lists.filter((x) => !x.isAdded).slice(0, 5)) parts.push(l.message);
  // A node that could not be asked is never reported as "not banned": its live state is unknown.
  const unreachable = [...new Set(result.nodes.filter((n) => n.outcome === "unreachable").map((n) => n.nodeName))];
  if (unreachable.length > 0) parts.push(`Could not reach ${unreachable.slice(0, 5).join(", ")}${unreachable.length > 5 ? ", …" : ""}: nothing was confirmed there.`);
  const reached = new Set(result.nodes.filter((n) => n.outcome !== "unreachable").map((n) => n.address));
  const notBanned = result.notBanned.filter((a) => unreachable.length === 0 || reached.has(a));
  if (notBanned.length > 0) parts.push(`Not banned on the ${unreachable.length > 0 ? "nodes that answered" : "chosen nodes"}: ${notBanned.slice(0, 5).join(", ")}${notBanned.length > 5 ? ", …" : ""}.`);
  return { tone: failed.length > 0 || unreachable.length > 0 ? "error" : "success", text: parts.join(" ") || "Nothing to do." };
}

interface BanTableProps {
  items: BanRow[];
  /** Nodes with current bans the caller can see, for "unban on". */
  nodes: BanNode[];
  canUnban: boolean;
  /** May whitelist and block (policy:write). */
  canList: boolean;
  emptyState: ReactNode;
}

/** One labelled instant of a two-line time cell ("from 2025-01-31 14:05"); the column header says UTC. */
function TimeLine({ label, iso }: { label: string; iso: string }) {
  return (
    <div>
      <span className="text-slate-500 dark:text-slate-400">{label} </span>
      <time dateTime={iso}>{formatInstant(iso, { hasZone: false })}</time>
    </div>
  );
}

export function BanTable({ items, nodes, canUnban, canList, emptyState }: BanTableProps) {
  const router = useRouter();
  const [pending, setPending] = useState<Pending | null>(null);
  const [nodeChoice, setNodeChoice] = useState("all");
  const [comment, setComment] = useState("");
  const [expiry, setExpiry] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  const { selection, isSelected, isAllSelected, toggle, toggleAll, clear } = useRowSelection(items.map((i) => i.address));
  const columns = 7 + (canUnban ? 2 : 0);

  function open(then: UnbanFollowUp, addresses: string[]) {
    setPending({ then, addresses });
    setNodeChoice("all");
    setComment("");
    setExpiry("");
    setFieldErrors({});
  }

  function confirm() {
    if (!pending) return;
    const request = {
      addresses: pending.addresses,
      nodeIds: nodeChoice === "all" ? ("all" as const) : [nodeChoice],
      then: pending.then,
      ...(pending.then !== "none" && comment ? { comment } : {}),
      // datetime-local is the browser's local time; the server wants an instant with offset.
      ...(pending.then === "whitelist" && expiry ? { expiresAt: new Date(expiry).toISOString() } : {}),
    };
    startTransition(async () => {
      const result = await unbanAction(request);
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        if (!result.fieldErrors || Object.keys(result.fieldErrors).every((k) => k.startsWith("addresses") || k === "_form")) {
          setPending(null);
          setMessage({ tone: "error", text: result.error });
        }
        return;
      }
      setPending(null);
      clear();
      setMessage(describeResult(result.data));
      router.refresh();
    });
  }

  const words = pending ? ACTION_WORDS[pending.then] : ACTION_WORDS.none;
  return (
    <div className="space-y-3">
      {canUnban && selection.length > 0 ? (
        <div role="region" aria-label="Selected bans" className="flex flex-wrap items-center gap-2 rounded-lg border border-brand-200 bg-brand-50 px-3 py-2 text-sm dark:border-brand-500/30 dark:bg-brand-500/10">
          <span className="font-medium">{selection.length} selected</span>
          <Button size="sm" variant="secondary" onClick={() => open("none", selection)}>
            Unban
          </Button>
          {canList ? (
            <>
              <Button size="sm" variant="secondary" onClick={() => open("whitelist", selection)}>
                Unban and whitelist
              </Button>
              <Button size="sm" variant="danger" onClick={() => open("block", selection)}>
                Block permanently
              </Button>
            </>
          ) : null}
          <Button size="sm" variant="ghost" onClick={clear}>
            Clear selection
          </Button>
        </div>
      ) : null}

      {message ? (
        <Alert tone={message.tone} data-testid="ban-action-result">
          {message.text}
        </Alert>
      ) : null}

      <DataTable label="Current bans, one row per address">
        <DataTableHead>
          {canUnban ? (
            <DataTableSelectAllCell label="Select all bans on this page" isChecked={isAllSelected} isDisabled={items.length === 0} onToggle={toggleAll} />
          ) : null}
          <DataTableHeaderCell>Address</DataTableHeaderCell>
          <DataTableHeaderCell>Country</DataTableHeaderCell>
          <DataTableHeaderCell>Jails</DataTableHeaderCell>
          <DataTableHeaderCell>Nodes</DataTableHeaderCell>
          <DataTableHeaderCell>Banned (UTC)</DataTableHeaderCell>
          <DataTableHeaderCell>Seen (UTC)</DataTableHeaderCell>
          <DataTableHeaderCell align="right" title="How often the address was banned before">
            Prior bans
          </DataTableHeaderCell>
          {canUnban ? (
            <DataTableHeaderCell align="right" isSticky>
              Actions
            </DataTableHeaderCell>
          ) : null}
        </DataTableHead>
        <DataTableBody>
          {items.length === 0 ? (
            <DataTableEmptyRow colSpan={columns}>{emptyState}</DataTableEmptyRow>
          ) : (
            items.map((ban) => {
              const isRowSelected = isSelected(ban.address);
              return (
                <DataTableRow key={ban.address} isSelected={isRowSelected} data-address={ban.address}>
                  {canUnban ? <DataTableSelectCell label={`Select ${ban.address}`} isChecked={isRowSelected} onToggle={(isOn) => toggle(ban.address, isOn)} /> : null}
                  <DataTableCell isMono>{ban.address}</DataTableCell>
                  <DataTableCell>{ban.country ?? <span className="text-slate-400 dark:text-slate-500">—</span>}</DataTableCell>
                  <DataTableCell>
                    <div className="flex flex-wrap gap-1">
                      {ban.jails.map((jail) => (
                        <Badge key={jail} tone={jail.includes("recidive") ? "danger" : "warning"}>
                          {jail}
                        </Badge>
                      ))}
                    </div>
                  </DataTableCell>
                  <DataTableCell className="max-w-xs truncate" title={ban.nodes.map((n) => n.name).join(", ")}>
                    {ban.nodes.length <= 2 ? ban.nodes.map((n) => n.name).join(", ") : `${ban.nodes[0]!.name} and ${ban.nodes.length - 1} more`}
                  </DataTableCell>
                  <DataTableCell className="text-xs">
                    <TimeLine label="from" iso={ban.bannedAt} />
                    {ban.expiresAt ? (
                      <TimeLine label="until" iso={ban.expiresAt} />
                    ) : (
                      <Badge tone="danger" className="mt-1">
                        Permanent
                      </Badge>
                    )}
                  </DataTableCell>
                  <DataTableCell className="text-xs">
                    <TimeLine label="first" iso={ban.firstSeenAt} />
                    <TimeLine label="last" iso={ban.lastSeenAt} />
                  </DataTableCell>
                  <DataTableCell align="right">{ban.priorBanCount}</DataTableCell>
                  {canUnban ? (
                    <DataTableCell align="right" isSticky>
                      <Button variant="ghost" size="sm" onClick={() => open("none", [ban.address])} aria-label={`Unban ${ban.address}`}>
                        Unban
                      </Button>
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
        isDestructive={pending?.then === "block"}
        isPending={isPending}
        title={pending ? `${words.title}: ${pending.addresses.length === 1 ? pending.addresses[0] : `${pending.addresses.length} addresses`}?` : ""}
        description={
          pending?.then === "block"
            ? "The addresses go on the blocklist and are dropped on every node after the next push. Their current fail2ban bans stay until then."
            : pending?.then === "whitelist"
              ? "Each node lifts the ban (naming the jail) and is re-read to confirm; then the addresses go on the whitelist, which applies after the next push."
              : "Each node lifts the ban (naming the jail) and is re-read to confirm. The address can be banned again if it keeps failing."
        }
        confirmLabel={words.confirm}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        {pending ? (
          <div className="space-y-3">
            <ul className="max-h-32 overflow-y-auto font-mono text-xs text-slate-700 dark:text-slate-300">
              {pending.addresses.slice(0, MAX_LISTED).map((a) => (
                <li key={a}>{a}</li>
              ))}
              {pending.addresses.length > MAX_LISTED ? <li>…and {pending.addresses.length - MAX_LISTED} more</li> : null}
            </ul>
            {pending.then !== "block" ? (
              <SelectField label="Unban on" value={nodeChoice} onChange={(e) => setNodeChoice(e.target.value)} error={fieldErrors.nodeIds}>
                <option value="all">All nodes</option>
                {nodes.map((node) => (
                  <option key={node.id} value={node.id}>
                    {node.name}
                  </option>
                ))}
              </SelectField>
            ) : null}
            {pending.then !== "none" ? (
              <TextField label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={200} error={fieldErrors.comment} placeholder="Customer office, ticket 1234" />
            ) : null}
            {pending.then === "whitelist" ? (
              <TextField label="Expires (optional)" type="datetime-local" value={expiry} onChange={(e) => setExpiry(e.target.value)} error={fieldErrors.expiresAt} hint="Empty: the entry never expires." />
            ) : null}
          </div>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
