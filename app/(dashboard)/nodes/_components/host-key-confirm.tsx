"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/field";
import { fetchHostKeyAction } from "../actions";
import { HOST_KEY_COMMAND } from "./display";


export interface HostKeyConfirmation {
  host: string;
  port: string;
  fingerprint: string;
}

/** The confirmed fingerprint if it was confirmed for this very address; null once host or port changed. */
export function confirmedFingerprint(confirmation: HostKeyConfirmation | null, host: string, port: string): string | null {
  return confirmation && confirmation.host === host.trim() && confirmation.port === port.trim() ? confirmation.fingerprint : null;
}

interface HostKeyConfirmProps {
  host: string;
  port: string;
  /** The fetched key and its address once the administrator confirmed it matches; null while not. */
  onConfirmedChange: (confirmation: HostKeyConfirmation | null) => void;
  /** What is pinned now (re-pinning after an alert), to show next to the new one. */
  pinned?: string | null;
  error?: string[];
}

/**
 * "Fetch host key" → the fingerprint the node presents → the administrator compares it with what the node
 * itself prints and ticks the box. Only then does the parent get the fingerprint to pin. Fetching from
 * another address (host or port edited since) asks again.
 */
export function HostKeyConfirm({ host, port, onConfirmedChange, pinned, error }: HostKeyConfirmProps) {
  const [fetched, setFetched] = useState<HostKeyConfirmation | null>(null);
  const [isConfirmed, setIsConfirmed] = useState(false);
  const [fetchError, setFetchError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  const isStale = fetched !== null && (fetched.host !== host.trim() || fetched.port !== port.trim());
  const current = fetched !== null && !isStale ? fetched : null;

  function fetchKey() {
    setIsConfirmed(false);
    onConfirmedChange(null);
    startTransition(async () => {
      const result = await fetchHostKeyAction(host, port);
      if (result.ok) {
        setFetched({ host: host.trim(), port: port.trim(), fingerprint: result.data.fingerprint });
        setFetchError(null);
      } else {
        setFetched(null);
        setFetchError(Object.values(result.fieldErrors ?? {}).flat()[0] ?? result.error);
      }
    });
  }

  function confirm(checked: boolean) {
    setIsConfirmed(checked);
    onConfirmedChange(checked && current ? current : null);
  }

  return (
    <div className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">Host key</h3>
        <Button variant="secondary" onClick={fetchKey} disabled={isPending || host.trim() === ""} aria-busy={isPending || undefined}>
          {isPending ? "Fetching…" : current ? "Fetch again" : "Fetch host key"}
        </Button>
      </div>
      {isStale ? <Alert tone="info">The address changed since the key was fetched: fetch it again.</Alert> : null}
      {!current && !isStale ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Rampart pins the node&apos;s SSH host key and refuses to talk to the node if it ever changes. Fetch it and compare it with the node.
        </p>
      ) : null}
      {current ? (
        <div className="space-y-3">
          {pinned ? (
            <p className="text-sm text-slate-700 dark:text-slate-300">
              Pinned now: <code className="font-mono break-all">{pinned}</code>
            </p>
          ) : null}
          <p className="text-sm text-slate-700 dark:text-slate-300">
            {host.trim()} port {port.trim() || "22"} presents:
          </p>
          <output aria-label="Fetched host key fingerprint" className="block rounded-md bg-slate-100 px-3 py-2 font-mono text-sm break-all text-slate-900 dark:bg-slate-800 dark:text-slate-100">
            {current.fingerprint}
          </output>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            On the node, run <code className="font-mono">{HOST_KEY_COMMAND}</code> and compare the SHA256 part. If they differ, someone may be
            in between: do not continue.
          </p>
          <CheckboxField
            label="The fingerprint matches what the node shows"
            checked={isConfirmed && current !== null}
            onChange={(event) => confirm(event.target.checked)}
          />
        </div>
      ) : null}
      {fetchError ? <Alert tone="error">{fetchError}</Alert> : null}
      {error?.length ? <p className="text-sm text-red-700 dark:text-red-400">{error.join(" ")}</p> : null}
    </div>
  );
}
