"use client";

import { startTransition, useActionState, useState } from "react";

import { Button, SubmitButton } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CheckboxField, SelectField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { byField } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";
import type { Exposure, ExposureOverride } from "@/lib/validation/exposure";

import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { clearNodeExposureOverrideAction, saveNodeExposureOverrideAction } from "../actions";
import { INHERIT } from "../form-data";
import { FINAL_OPTIONS, SIP_FROM_OPTIONS, WEB_FROM_OPTIONS } from "./options";
import type { RadioOption } from "./radio-group";

// "Override for this node": each field either follows the cluster (the default, shown with the cluster's value)
// or is set here. Saving replaces the node's whole override; "Clear override" asks first.

const FIELDS = ["sipFrom", "rtpFrom", "webFrom", "amiPorts", "extraTcpPorts", "extraUdpPorts", "icmpEcho", "dropPortScans", "sshNewPerMinute", "finalAction"];
const onOff = (value: boolean) => (value ? "on" : "off");
const ports = (list: readonly number[]) => (list.length === 0 ? "none" : list.join(", "));

function Choice({ name, label, options, cluster, value, error }: { name: string; label: string; options: readonly RadioOption[]; cluster: string; value: string | undefined; error?: string[] }) {
  const clusterLabel = options.find((o) => o.value === cluster)?.label ?? cluster;
  return (
    <SelectField name={name} label={label} defaultValue={value ?? INHERIT} error={error}>
      <option value={INHERIT}>As the cluster ({clusterLabel})</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </SelectField>
  );
}

function PortListOverride({ name, label, cluster, value, error }: { name: string; label: string; cluster: readonly number[]; value: readonly number[] | undefined; error?: string[] }) {
  return (
    <div className="space-y-2">
      <CheckboxField name={`${name}Overridden`} label={`Override ${label}`} hint={`The cluster's: ${ports(cluster)}.`} defaultChecked={value !== undefined} />
      <TextField name={name} label={label} autoComplete="off" defaultValue={value ? value.join(", ") : ""} hint="Used while the box is ticked; commas between ports, empty for none." error={error} />
    </div>
  );
}

interface OverrideFormProps {
  nodeId: string;
  nodeName: string;
  cluster: Exposure;
  override: ExposureOverride | null;
  canWrite: boolean;
}

export function NodeExposureOverrideForm({ nodeId, nodeName, cluster, override, canWrite }: OverrideFormProps) {
  const [state, onSubmit, isPending] = useFormAction(saveNodeExposureOverrideAction);
  const [clearState, dispatchClear, isClearing] = useActionState<ActionResult | null, FormData>(clearNodeExposureOverrideAction, null);
  const [isConfirmOpen, setIsConfirmOpen] = useState(false);
  const errors = state && !state.ok ? byField(state.fieldErrors) : {};
  const folded = state && !state.ok ? { ...state, fieldErrors: errors } : state;
  const o = override ?? {};

  function clearOverride() {
    const formData = new FormData();
    formData.set("nodeId", nodeId);
    startTransition(() => dispatchClear(formData));
    setIsConfirmOpen(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Exposure override for ${nodeName}`} className="space-y-4">
      <input type="hidden" name="nodeId" value={nodeId} />
      <fieldset disabled={!canWrite || isPending || isClearing} className="grid min-w-0 gap-4 sm:grid-cols-2">
        <legend className="sr-only">Override for this node</legend>
        <Choice name="sipFrom" label="SIP reachable from" options={SIP_FROM_OPTIONS} cluster={cluster.sipFrom} value={o.sipFrom} error={errors.sipFrom} />
        <Choice name="rtpFrom" label="RTP reachable from" options={SIP_FROM_OPTIONS} cluster={cluster.rtpFrom} value={o.rtpFrom} error={errors.rtpFrom} />
        <Choice name="webFrom" label="PBX web UI reachable from" options={WEB_FROM_OPTIONS} cluster={cluster.webFrom} value={o.webFrom} error={errors.webFrom} />
        <Choice name="finalAction" label="Every other packet" options={FINAL_OPTIONS} cluster={cluster.finalAction} value={o.finalAction} error={errors.finalAction} />
        <SelectField name="icmpEcho" label="Answer ping" defaultValue={o.icmpEcho === undefined ? INHERIT : onOff(o.icmpEcho)} error={errors.icmpEcho}>
          <option value={INHERIT}>As the cluster ({onOff(cluster.icmpEcho)})</option>
          <option value="on">On</option>
          <option value="off">Off</option>
        </SelectField>
        <SelectField name="dropPortScans" label="Drop port-scan packets" defaultValue={o.dropPortScans === undefined ? INHERIT : onOff(o.dropPortScans)} error={errors.dropPortScans}>
          <option value={INHERIT}>As the cluster ({onOff(cluster.dropPortScans)})</option>
          <option value="on">On</option>
          <option value="off">Off</option>
        </SelectField>
        <TextField
          name="sshNewPerMinute"
          label="New SSH connections a minute"
          autoComplete="off"
          defaultValue={o.sshNewPerMinute === undefined ? "" : o.sshNewPerMinute === null ? "off" : String(o.sshNewPerMinute)}
          hint={`Empty: as the cluster (${cluster.sshNewPerMinute === null ? "off" : cluster.sshNewPerMinute}); "off" for no limit.`}
          error={errors.sshNewPerMinute}
        />
        <div />
        <PortListOverride name="amiPorts" label="AMI ports" cluster={cluster.amiPorts} value={o.amiPorts} error={errors.amiPorts} />
        <PortListOverride name="extraTcpPorts" label="extra TCP ports" cluster={cluster.extraTcpPorts} value={o.extraTcpPorts} error={errors.extraTcpPorts} />
        <PortListOverride name="extraUdpPorts" label="extra UDP ports" cluster={cluster.extraUdpPorts} value={o.extraUdpPorts} error={errors.extraUdpPorts} />
      </fieldset>
      <FormMessage state={folded} success="Saved. The node gets it with the next deployment." fields={FIELDS} />
      <FormMessage state={clearState} success="Cleared: the node follows the cluster policy again (after the next deployment)." />
      {canWrite ? (
        <div className="flex flex-wrap gap-2">
          <SubmitButton isPending={isPending}>Save override</SubmitButton>
          {override !== null ? (
            <Button variant="secondary" onClick={() => setIsConfirmOpen(true)} disabled={isClearing}>
              Clear override
            </Button>
          ) : null}
        </div>
      ) : null}
      <ConfirmDialog
        open={isConfirmOpen}
        title={`Clear the override of ${nodeName}?`}
        description="The node follows the cluster's exposure policy again with its next deployment."
        confirmLabel="Clear override"
        isDestructive
        isPending={isClearing}
        onConfirm={clearOverride}
        onCancel={() => setIsConfirmOpen(false)}
      />
    </form>
  );
}
