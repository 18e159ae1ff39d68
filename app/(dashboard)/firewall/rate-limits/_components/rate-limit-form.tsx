"use client";

import { Card } from "@/components/ui/card";
import { CheckboxField, TextField } from "@/components/ui/field";
import { PORT_LIMITS, RATE_LIMIT_RANGES, SIP_TRANSPORTS, type SipTransport } from "@/lib/validation/policy";
import { describeRange, describeSeconds, parseIntegerText, type RateLimitFormValues } from "@/lib/validation/settings";

import { saveRateLimitsAction } from "../actions";
import { FormSection, PolicyFormFooter, useSettingsForm } from "./settings-form-parts";

type NumberField = Exclude<keyof RateLimitFormValues, "enabled" | "transports" | "sipPorts">;

const TRANSPORT_HINTS: Record<SipTransport, string> = {
  UDP: "Most phones and trunks.",
  TCP: "SIP over TCP, on the same ports.",
  TLS: "Encrypted SIP; usually port 5061.",
};

/** "= 1 minute" next to a seconds field, while the text is a whole number. */
function inWords(text: string): string {
  const value = parseIntegerText(text);
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? ` Now: ${describeSeconds(value)}.` : "";
}

export function RateLimitForm({ initial, canWrite }: { initial: RateLimitFormValues; canWrite: boolean }) {
  const { values, set, onSubmit, isPending, fieldErrors, message } = useSettingsForm(initial, canWrite, saveRateLimitsAction);

  function numberProps(key: NumberField) {
    return {
      name: key,
      value: values[key],
      onChange: (e: { target: { value: string } }) => set(key, e.target.value),
      inputMode: "numeric" as const,
      autoComplete: "off",
      error: fieldErrors[key],
    };
  }

  function toggleTransport(transport: SipTransport, isOn: boolean) {
    const next = new Set(values.transports);
    if (isOn) next.add(transport);
    else next.delete(transport);
    set("transports", SIP_TRANSPORTS.filter((t) => next.has(t)));
  }

  const r = RATE_LIMIT_RANGES;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="SIP rate limits">
      <Card>
        <fieldset disabled={!canWrite || isPending} className="min-w-0">
          <FormSection
            title="Packet rate"
            description="Each source address (IPv6: each /64) may send this many SIP packets per second, plus a burst; the excess is dropped and logged (xt_hashlimit)."
          >
            <CheckboxField
              className="sm:col-span-2"
              label="Limit SIP packets and floods"
              hint="When off, neither the packet rate nor the REGISTER and INVITE limits below are applied. Scanner signatures still are."
              checked={values.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
              name="enabled"
              error={fieldErrors.enabled}
            />
            <TextField label="Packets per second" unit="packets/s" hint={`${describeRange(r.packetsPerSecond)} per source.`} {...numberProps("packetsPerSecond")} />
            <TextField label="Burst" unit="packets" hint={`${describeRange(r.burst)}: allowed at once before the rate applies.`} {...numberProps("burst")} />
          </FormSection>

          <FormSection
            title="REGISTER and INVITE floods"
            description="A source that sends more requests of a kind than the hit count within the window is dropped until it slows down (xt_recent)."
          >
            <TextField label="REGISTER hits" unit="hits" hint={`${describeRange(r.registerHits)} requests.`} {...numberProps("registerHits")} />
            <TextField
              label="REGISTER window"
              unit="seconds"
              hint={`${describeRange(r.registerWindowSeconds)} seconds.${inWords(values.registerWindowSeconds)}`}
              {...numberProps("registerWindowSeconds")}
            />
            <TextField label="INVITE hits" unit="hits" hint={`${describeRange(r.inviteHits)} requests.`} {...numberProps("inviteHits")} />
            <TextField
              label="INVITE window"
              unit="seconds"
              hint={`${describeRange(r.inviteWindowSeconds)} seconds.${inWords(values.inviteWindowSeconds)}`}
              {...numberProps("inviteWindowSeconds")}
            />
          </FormSection>

          <FormSection title="SIP and media ports" description="Where Asterisk listens for SIP and sends RTP media, on every node.">
            <TextField
              className="sm:col-span-2"
              label="SIP ports"
              unit="ports"
              name="sipPorts"
              value={values.sipPorts}
              onChange={(e) => set("sipPorts", e.target.value)}
              autoComplete="off"
              hint={`Separate ports with commas, for example 5060, 5061. ${PORT_LIMITS.min}–${PORT_LIMITS.max.toLocaleString("en-US")}, at most ${PORT_LIMITS.maxPortsPerList}.`}
              error={fieldErrors.sipPorts}
            />
            <fieldset className="sm:col-span-2">
              <legend className="text-sm font-medium">Transports</legend>
              <div className="mt-2 flex flex-col gap-3 sm:flex-row sm:gap-6">
                {SIP_TRANSPORTS.map((transport) => (
                  <CheckboxField
                    key={transport}
                    label={transport}
                    hint={TRANSPORT_HINTS[transport]}
                    name="transports"
                    value={transport}
                    checked={values.transports.includes(transport)}
                    onChange={(e) => toggleTransport(transport, e.target.checked)}
                  />
                ))}
              </div>
              {fieldErrors.transports ? (
                <p className="mt-1 text-sm text-red-700 dark:text-red-400">{fieldErrors.transports.join(" ")}</p>
              ) : null}
            </fieldset>
            <TextField label="RTP ports from" unit="port" hint={`${describeRange(r.rtpPort)}; as in Asterisk's rtp.conf.`} {...numberProps("rtpPortMin")} />
            <TextField label="RTP ports to" unit="port" hint={`${describeRange(r.rtpPort)}; at or above the first port.`} {...numberProps("rtpPortMax")} />
          </FormSection>
        </fieldset>

        <PolicyFormFooter message={message} isPending={isPending} canWrite={canWrite} submitLabel="Save rate limits" />
      </Card>
    </form>
  );
}
