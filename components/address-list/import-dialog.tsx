"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { CheckboxField, SelectField, TextareaField, TextField } from "@/components/ui/field";
import { RejectedLinesTable } from "@/components/ui/rejected-lines-table";
import { MAX_IMPORT_BYTES } from "@/lib/lists/import-limit.mjs";
import type { ImportReportView } from "@/lib/lists/import-report";
import { listApiPath, type ListTarget } from "@/lib/lists/targets";
import { TRUST_SCOPE_INFO, TRUST_SCOPES } from "@/lib/validation/address-entry";
import { COMMENT_MAX_LENGTH, type TrustScope } from "@/lib/validation/policy";
import type { ScopeChoice } from "./entry-form";
import { Modal } from "./modal";

/** The one import limit, as the server applies it (the CLI too). */
const MAX_FILE_BYTES = MAX_IMPORT_BYTES;

const n = (value: number) => value.toLocaleString("en-US");

/** Paste or upload a list; shows what was stored and every rejected line with its reason. */
export function ImportButton({ target, listName, scopeChoice }: { target: ListTarget; listName: string; scopeChoice?: ScopeChoice }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [format, setFormat] = useState<"auto" | "text" | "csv">("auto");
  const [comment, setComment] = useState("");
  const [allowCovered, setAllowCovered] = useState(false);
  const [confirmBroad, setConfirmBroad] = useState(false);
  const [scope, setScope] = useState<TrustScope>(scopeChoice?.canWriteAll ? "ALL" : "SIP");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportReportView | null>(null);
  const [isPending, startTransition] = useTransition();

  function reset() {
    setText("");
    setFileName(null);
    setErrors({});
    setError(null);
    setResult(null);
  }

  async function onFile(file: File | undefined) {
    setError(null);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${n(Math.round(file.size / 1024 / 1024))} MB; imports take up to ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into parts.`);
      return;
    }
    setText(await file.text());
    setFileName(file.name);
    if (file.name.toLowerCase().endsWith(".csv")) setFormat("csv");
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (text.trim() === "") {
      setErrors({ text: ["Paste addresses or choose a file first."] });
      return;
    }
    setError(null);
    startTransition(async () => {
      // The import goes to the list's API route with the session cookie: route handlers read the body as a
      // stream under the one import limit, where a server action would need Next.js's experimental body limit.
      const query = new URLSearchParams({ format, allowCovered: String(allowCovered), confirmBroad: String(confirmBroad) });
      if (comment !== "") query.set("comment", comment);
      if (scopeChoice) query.set("scope", scope);
      let response: Response;
      try {
        response = await fetch(`${listApiPath(target)}/import?${query}`, {
          method: "POST",
          headers: { "content-type": "text/plain; charset=utf-8" },
          body: text,
          credentials: "same-origin",
        });
      } catch {
        setError("The import did not reach the server (network error). Nothing was changed; try again.");
        return;
      }
      const body = (await response.json().catch(() => null)) as (ImportReportView & { error?: string; fieldErrors?: Record<string, string[]> }) | null;
      if (!response.ok || !body) {
        setErrors(body?.fieldErrors ?? {});
        setError(body?.error ?? `The import failed (HTTP ${response.status}). Nothing was changed.`);
        return;
      }
      setErrors({});
      setResult(body);
      router.refresh();
    });
  }

  const lineCount = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Import…
      </Button>
      <Modal
        open={open}
        isWide
        isBusy={isPending}
        title={`Import into ${listName}`}
        description="One address or network per line (a “# comment” may follow), or CSV with network,comment,expiry. Every good line is stored; every other line is listed with the reason."
        onClose={() => {
          setOpen(false);
          reset();
        }}
      >
        {result ? (
          <div className="space-y-4">
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Import result">
              {[
                ["Accepted", result.accepted],
                ["Rejected", result.rejectedCount],
                ["Duplicates", result.duplicates],
                ["Skipped", result.skipped],
              ].map(([label, value]) => (
                <div key={label} className="rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-800">
                  <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
                  <dd className="text-lg font-semibold tabular-nums">{n(value as number)}</dd>
                </div>
              ))}
            </dl>
            <p role="status" className="text-sm">
              {`Stored ${n(result.accepted)} of ${n(result.lines)} lines (${result.format === "csv" ? "CSV" : "plain text"}).`}
              {result.rejectedCount > 0 ? ` ${n(result.rejectedCount)} ${result.rejectedCount === 1 ? "line was" : "lines were"} rejected${result.covered > 0 ? `, ${n(result.covered)} of them covered by a wider network` : ""}:` : " Nothing was rejected."}
            </p>
            {result.pending > 0 ? (
              <p className="text-sm text-amber-800 dark:text-amber-300">
                {`${n(result.pending)} of the stored ${result.pending === 1 ? "network waits" : "networks wait"} for an administrator's approval (overlapping another tenant's network, or over-broad) and ${result.pending === 1 ? "has" : "have"} no effect until then.`}
              </p>
            ) : null}
            {(result.notices ?? []).map((notice) => (
              <p key={notice} className="text-sm text-amber-800 dark:text-amber-300">
                {notice}
              </p>
            ))}
            <RejectedLinesTable rejected={result.rejected} />
            {result.rejectedCount > result.rejected.length ? (
              <p className="text-xs text-slate-500 dark:text-slate-400">
                The first {n(result.rejected.length)} rejected lines are shown; the CLI (`rampart lists import`) prints all of them.
              </p>
            ) : null}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={reset}>
                Import more
              </Button>
              <Button
                onClick={() => {
                  setOpen(false);
                  reset();
                }}
              >
                Done
              </Button>
            </div>
          </div>
        ) : (
          <form onSubmit={submit} noValidate className="space-y-4">
            <TextareaField
              label="Addresses"
              rows={8}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
              placeholder={"192.0.2.1\n198.51.100.0/24 # scanners\n2001:db8::/48"}
              spellCheck={false}
              className="font-mono"
              error={errors.text}
              hint={fileName ? `From ${fileName}: ${n(lineCount)} lines.` : `${n(lineCount)} lines.`}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <div>
                <label htmlFor="import-file" className="block text-sm font-medium">
                  Or choose a file
                </label>
                <input
                  id="import-file"
                  type="file"
                  accept=".txt,.csv,.list,text/plain,text/csv"
                  onChange={(e) => void onFile(e.target.files?.[0])}
                  className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold dark:file:bg-slate-800"
                />
              </div>
              <SelectField label="Format" value={format} onChange={(e) => setFormat(e.target.value as "auto" | "text" | "csv")} error={errors.format}>
                <option value="auto">Detect (CSV if lines contain commas)</option>
                <option value="text">Plain text, one per line</option>
                <option value="csv">CSV: network,comment,expiry</option>
              </SelectField>
            </div>
            {scopeChoice ? (
              <SelectField
                label="Trust of lines without their own scope"
                value={scope}
                onChange={(e) => setScope(e.target.value as TrustScope)}
                error={errors.scope}
                hint={`${TRUST_SCOPE_INFO[scope].description} A CSV with a scope column (as the export writes it) gives each line its own.`}
              >
                {TRUST_SCOPES.map((option) => (
                  <option key={option} value={option} disabled={option === "ALL" && !scopeChoice.canWriteAll}>
                    {option} — {TRUST_SCOPE_INFO[option].label}
                    {option === "ALL" && !scopeChoice.canWriteAll ? " (administrators only)" : ""}
                  </option>
                ))}
              </SelectField>
            ) : null}
            <TextField
              label="Comment for lines without one"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={COMMENT_MAX_LENGTH}
              error={errors.comment}
              hint="Optional."
            />
            <CheckboxField
              label="Also add entries already covered by a wider network"
              hint="Off: such lines are reported and skipped."
              checked={allowCovered}
              onChange={(e) => setAllowCovered(e.target.checked)}
            />
            <CheckboxField
              label="Allow broad networks (IPv4 wider than /8, IPv6 wider than /32)"
              hint="Off: such lines are rejected, so a typo such as /1 cannot slip in."
              checked={confirmBroad}
              onChange={(e) => setConfirmBroad(e.target.checked)}
            />
            {error ? (
              <Alert tone="error">
                {error}
              </Alert>
            ) : null}
            <div className="flex justify-end gap-2">
              <Button
                variant="secondary"
                disabled={isPending}
                onClick={() => {
                  setOpen(false);
                  reset();
                }}
              >
                Cancel
              </Button>
              <SubmitButton isPending={isPending} pendingLabel="Importing…">Import</SubmitButton>
            </div>
          </form>
        )}
      </Modal>
    </>
  );
}
