"use client";

import { Card, CardHeader } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { PORT_LIMITS } from "@/lib/validation/policy";
import type { PortsFormValues } from "@/lib/validation/settings";

import { PolicyFormFooter, useSettingsForm } from "../../rate-limits/_components/settings-form-parts";
import { savePortsAction } from "../actions";

const LIST_HINT = `Separate ports with commas. ${PORT_LIMITS.min}–${PORT_LIMITS.max.toLocaleString("en-US")}, at most ${PORT_LIMITS.maxPortsPerList}.`;

export function PortsForm({ initial, canWrite }: { initial: PortsFormValues; canWrite: boolean }) {
  const { values, set, onSubmit, isPending, fieldErrors, message } = useSettingsForm(initial, canWrite, savePortsAction);

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
        <PolicyFormFooter message={message} isPending={isPending} canWrite={canWrite} submitLabel="Save ports" hasDeployNote={false} />
      </Card>
    </form>
  );
}
