"use client";

import { useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { PORT_LIMITS } from "@/lib/validation/policy";
import type { PortsFormValues } from "@/lib/validation/settings";

import { FormMessage, useSaveState } from "../../rate-limits/_components/settings-form-parts";
import { savePortsAction } from "../actions";

const LIST_HINT = `Separate ports with commas. ${PORT_LIMITS.min}–${PORT_LIMITS.max.toLocaleString("en-US")}, at most ${PORT_LIMITS.maxPortsPerList}.`;

export function PortsForm({ initial, canWrite }: { initial: PortsFormValues; canWrite: boolean }) {
  const [values, setValues] = useState(initial);
  const { isPending, fieldErrors, message, save, clearMessage } = useSaveState<PortsFormValues>();

  function set(key: keyof PortsFormValues, value: string) {
    setValues((v) => ({ ...v, [key]: value }));
    clearMessage();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canWrite) return;
    save(() => savePortsAction(values), setValues);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Platform ports">
      <Card>
        <CardHeader
          title="Ports"
          description="The TCP ports of SSH and of the web interface on every node. The management-access list keeps both open to its addresses whatever else applies; “Web interface only” GeoIP and the web-interface jail act on the web ports."
        />
        <fieldset disabled={!canWrite || isPending} className="grid min-w-0 gap-4 px-4 py-5 sm:grid-cols-2 sm:px-6">
          <legend className="sr-only">Ports</legend>
          <TextField
            label="SSH ports"
            unit="TCP ports"
            name="sshPorts"
            autoComplete="off"
            hint={LIST_HINT}
            value={values.sshPorts}
            onChange={(e) => set("sshPorts", e.target.value)}
            error={fieldErrors.sshPorts}
          />
          <TextField
            label="Web ports"
            unit="TCP ports"
            name="webPorts"
            autoComplete="off"
            hint={LIST_HINT}
            value={values.webPorts}
            onChange={(e) => set("webPorts", e.target.value)}
            error={fieldErrors.webPorts}
          />
        </fieldset>
        <div className="flex flex-col gap-3 border-t border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6 dark:border-slate-800">
          <div className="min-w-0">
            <FormMessage message={message} />
          </div>
          {canWrite ? (
            <Button type="submit" disabled={isPending} aria-busy={isPending || undefined}>
              {isPending ? "Saving…" : "Save ports"}
            </Button>
          ) : null}
        </div>
      </Card>
    </form>
  );
}
