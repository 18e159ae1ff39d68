"use client";

import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckboxField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { byField } from "@/components/ui/form-messages";
import type { ActionResult } from "@/lib/action-result";
import { SSH_NEW_PER_MINUTE_RANGE, type Exposure } from "@/lib/validation/exposure";
import { PORT_LIMITS } from "@/lib/validation/ports";

import { useFormAction } from "../../../call-limits/_components/use-form-action";
import { DeployNote, FormFooter, FormSection } from "../../rate-limits/_components/settings-form-parts";
import { saveExposureAction } from "../actions";
import { FINAL_OPTIONS, SIP_FROM_OPTIONS, WEB_FROM_OPTIONS } from "./options";
import { RadioGroup } from "./radio-group";

const FIELDS = ["sipFrom", "rtpFrom", "webFrom", "amiPorts", "extraTcpPorts", "extraUdpPorts", "icmpEcho", "dropPortScans", "sshNewPerMinute", "finalAction"];
const PORT_HINT = `Separate ports with commas; empty for none. At most ${PORT_LIMITS.maxPortsPerList}.`;

function errorsOf(state: ActionResult | null): Record<string, string[]> {
  return state && !state.ok ? byField(state.fieldErrors) : {};
}

/** The cluster's exposure policy. Without write access every control is disabled and there is no Save. */
export function ExposureForm({ exposure, canWrite }: { exposure: Exposure; canWrite: boolean }) {
  const [state, onSubmit, isPending] = useFormAction(saveExposureAction);
  const errors = errorsOf(state);
  // Messages of list items ("amiPorts.0") sit under their list's field, so the alert does not repeat them.
  const folded = state && !state.ok ? { ...state, fieldErrors: errors } : state;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Cluster exposure policy">
      <Card>
        <fieldset disabled={!canWrite || isPending} className="min-w-0">
          <FormSection title="Voice" description="SIP signalling (the rate-limit page's SIP ports and transports) and RTP media (its RTP range).">
            <RadioGroup name="sipFrom" legend="SIP reachable from" options={SIP_FROM_OPTIONS} defaultValue={exposure.sipFrom} error={errors.sipFrom} />
            <RadioGroup name="rtpFrom" legend="RTP reachable from" options={SIP_FROM_OPTIONS.map((o) => (o.value === "WORLD" ? { ...o, hint: "After the blocklist, bans and GeoIP." } : o))} defaultValue={exposure.rtpFrom} error={errors.rtpFrom} />
          </FormSection>

          <FormSection
            title="Administration"
            description="SSH (platform SSH ports), AMI and any extra port below are open to the management networks and the panel only. The PBX web UI (platform web ports) may be opened wider."
          >
            <RadioGroup className="sm:col-span-2" name="webFrom" legend="PBX web UI reachable from" options={WEB_FROM_OPTIONS} defaultValue={exposure.webFrom} error={errors.webFrom} />
            <TextField name="amiPorts" label="AMI ports" unit="tcp" autoComplete="off" defaultValue={exposure.amiPorts.join(", ")} hint={`Asterisk Manager Interface, usually 5038. ${PORT_HINT}`} error={errors.amiPorts} />
            <div />
            <TextField name="extraTcpPorts" label="Extra TCP ports" unit="tcp" autoComplete="off" defaultValue={exposure.extraTcpPorts.join(", ")} hint={`For example IAX2 over TCP, ARI 8088. ${PORT_HINT}`} error={errors.extraTcpPorts} />
            <TextField name="extraUdpPorts" label="Extra UDP ports" unit="udp" autoComplete="off" defaultValue={exposure.extraUdpPorts.join(", ")} hint={`For example IAX2 4569; not inside the RTP range. ${PORT_HINT}`} error={errors.extraUdpPorts} />
            <CheckboxField
              name="sshLimited"
              label="Limit new SSH connections"
              hint="Per management source and minute; the panel is never limited."
              defaultChecked={exposure.sshNewPerMinute !== null}
            />
            <TextField
              name="sshNewPerMinute"
              label="New SSH connections a minute"
              unit="per minute"
              inputMode="numeric"
              autoComplete="off"
              defaultValue={String(exposure.sshNewPerMinute ?? 6)}
              hint={`${SSH_NEW_PER_MINUTE_RANGE.min} to ${SSH_NEW_PER_MINUTE_RANGE.max}; used while the box is ticked.`}
              error={errors.sshNewPerMinute}
            />
          </FormSection>

          <FormSection title="Everything else">
            <CheckboxField name="icmpEcho" label="Answer ping (ICMP echo)" hint="IPv6 error messages and neighbour discovery always pass." defaultChecked={exposure.icmpEcho} error={errors.icmpEcho} />
            <CheckboxField
              name="dropPortScans"
              label="Drop port-scan packets"
              hint="TCP flag patterns of scanners: NULL, XMAS, SYN+FIN, SYN+RST, FIN without ACK, new without SYN."
              defaultChecked={exposure.dropPortScans}
              error={errors.dropPortScans}
            />
            <RadioGroup className="sm:col-span-2" name="finalAction" legend="Every other packet" options={FINAL_OPTIONS} defaultValue={exposure.finalAction} error={errors.finalAction} />
          </FormSection>
        </fieldset>

        <FormFooter>
          <div className="min-w-0 space-y-1">
            <FormMessage state={folded} success="Saved. The nodes get the change with the next deployment." fields={FIELDS} />
            {canWrite ? null : <Alert tone="info" compact>Only administrators change the exposure policy.</Alert>}
            <DeployNote />
          </div>
          {canWrite ? <SubmitButton isPending={isPending}>Save exposure policy</SubmitButton> : null}
        </FormFooter>
      </Card>
    </form>
  );
}
