"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Modal } from "@/components/address-list/modal";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextareaField } from "@/components/ui/field";
import { RejectedLinesTable } from "@/components/ui/rejected-lines-table";
import type { RateImportReport } from "@/lib/db/queries/route-rates";
import { MAX_RATE_IMPORT_BYTES, RATE_IMPORT_TOO_LARGE_MESSAGE } from "@/lib/validation/rates";

const n = (value: number) => value.toLocaleString("en-US");
const PLACEHOLDER = "prefix,description,cost_per_minute,increment,connection_fee\n44,United Kingdom,0.0125,60/60,0\n447,UK mobile,0.085,30/6,0.05";

type Answer = RateImportReport & { error?: string; fieldErrors?: Record<string, string[]> };

/**
 * Paste or upload a rate CSV; "Check" reports every bad line, "Import" replaces the route's rates when every line is
 * good. With a bad line nothing is stored, and the text stays here to be fixed and imported again.
 */
export function RateImport({ routeId, routeName, currency }: { routeId: string; routeName: string; currency: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [report, setReport] = useState<RateImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function reset() {
    setText("");
    setFileName(null);
    setReport(null);
    setError(null);
  }

  function close() {
    setOpen(false);
    reset();
  }

  async function onFile(file: File | undefined) {
    setError(null);
    if (!file) return;
    if (file.size > MAX_RATE_IMPORT_BYTES) {
      setError(`${file.name}: ${RATE_IMPORT_TOO_LARGE_MESSAGE}`);
      return;
    }
    setText(await file.text());
    setFileName(file.name);
    setReport(null);
  }

  function send(isDryRun: boolean) {
    if (text.trim() === "") {
      setError("Paste the rates or choose a file first.");
      return;
    }
    setError(null);
    startTransition(async () => {
      let response: Response;
      try {
        // The file goes to the API route with the session cookie: it reads the body under the rate import's own limit.
        response = await fetch(`/api/v1/call-limits/routes/${routeId}/rates/import?dryRun=${String(isDryRun)}`, {
          method: "POST",
          headers: { "content-type": "text/csv; charset=utf-8" },
          body: text,
          credentials: "same-origin",
        });
      } catch {
        setError("The import did not reach the server (network error). Nothing was changed; try again.");
        return;
      }
      const body = (await response.json().catch(() => null)) as Answer | null;
      if (body && Array.isArray(body.rejected)) setReport(body);
      else setReport(null);
      if (!response.ok || !body) {
        setError(body?.error ?? `The import failed (HTTP ${response.status}). Nothing was changed.`);
        return;
      }
      if (body.isStored) router.refresh();
    });
  }

  const isDone = report?.isStored === true;

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Import rates…
      </Button>
      <Modal
        open={open}
        isWide
        isBusy={isPending}
        title={`Import rates into ${routeName}`}
        description={`CSV with prefix,description,cost_per_minute,increment,connection_fee, amounts in ${currency}. The file replaces the route's whole rate table, and only when every line is good: with any bad line nothing is stored, and each bad line is listed with the reason.`}
        onClose={close}
      >
        {isDone ? (
          <div className="space-y-4">
            <p role="status" className="text-sm">
              {`Stored ${n(report.accepted)} ${report.accepted === 1 ? "rate" : "rates"}, replacing the ${n(report.previousCount)} the route had.`}
            </p>
            <div className="flex justify-end">
              <Button onClick={close}>Done</Button>
            </div>
          </div>
        ) : (
          <div className="space-y-4">
            <TextareaField
              label="Rates (CSV)"
              rows={8}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
              placeholder={PLACEHOLDER}
              spellCheck={false}
              className="font-mono"
              hint={fileName ? `From ${fileName}.` : "A header row is optional; increment is first/next seconds, such as 60/60 or 30/6."}
            />
            <div>
              <label htmlFor="rate-import-file" className="block text-sm font-medium">
                Or choose a file
              </label>
              <input
                id="rate-import-file"
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                onChange={(e) => void onFile(e.target.files?.[0])}
                className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold dark:file:bg-slate-800"
              />
            </div>
            {error ? <Alert tone="error">{error}</Alert> : null}
            {report && !error && report.isDryRun ? (
              <p role="status" className="text-sm">
                {`All ${n(report.accepted)} ${report.accepted === 1 ? "rate is" : "rates are"} good. Nothing is stored until you import.`}
              </p>
            ) : null}
            <RejectedLinesTable rejected={report?.rejected ?? []} />
            {report?.isRejectedTruncated ? (
              <p className="text-xs text-slate-500 dark:text-slate-400">
                {`The first ${n(report.rejected.length)} of ${n(report.rejectedCount)} rejected lines are shown; the CLI (rampart rates import) prints all of them.`}
              </p>
            ) : null}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" disabled={isPending} onClick={close}>
                Cancel
              </Button>
              <Button variant="secondary" disabled={isPending} onClick={() => send(true)}>
                Check
              </Button>
              <Button disabled={isPending} aria-busy={isPending} onClick={() => send(false)}>
                {isPending ? "Working…" : "Import"}
              </Button>
            </div>
          </div>
        )}
      </Modal>
    </>
  );
}
