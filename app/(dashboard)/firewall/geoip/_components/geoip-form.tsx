"use client";

import Link from "next/link";
import { useMemo, useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { totalsOf, type CountrySummary } from "@/lib/geo/countries";
import type { GeoIpMode } from "@/lib/validation/policy";
import type { GeoIpSettings } from "@/lib/validation/settings";

import { PolicyFormFooter, useSaveState } from "../../rate-limits/_components/settings-form-parts";
import { saveGeoIpAction } from "../actions";
import { CountryPicker } from "./country-picker";

/** Where the signed-in user connects from, as the dataset sees it (null: private or unknown address). */
export type ClientLocation = { address: string; kind: "country"; code: string; name: string } | { address: string; kind: "unknown" };

interface GeoIpFormProps {
  initial: GeoIpSettings;
  countries: readonly CountrySummary[];
  webPorts: readonly number[];
  sshPorts: readonly number[];
  location: ClientLocation | null;
  canWrite: boolean;
}

const numberFormat = new Intl.NumberFormat("en-US");
const compactFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

const linkClass = "font-medium text-brand-700 underline underline-offset-2 dark:text-brand-100";

export function GeoIpForm({ initial, countries, webPorts, sshPorts, location, canWrite }: GeoIpFormProps) {
  const [mode, setMode] = useState<GeoIpMode>(initial.mode);
  const [selected, setSelected] = useState<string[]>(initial.countries);
  const { isPending, fieldErrors, message, save, clearMessage } = useSaveState<GeoIpSettings>();

  const byCode = useMemo(() => new Map(countries.map((c) => [c.code, c])), [countries]);
  const totals = totalsOf(byCode, selected);
  const isFiltering = mode !== "OFF";
  const web = webPorts.join(", ");

  const modes: { value: GeoIpMode; title: string; description: string }[] = [
    { value: "OFF", title: "Off", description: "No country filtering. The whitelist, blocklist, scanner signatures, rate limits and fail2ban still apply." },
    {
      value: "FULL_SERVER",
      title: "Whole server",
      description: `Only the allowed countries may open connections to SIP, the web ports (${web}) and SSH (${sshPorts.join(", ")}). Everyone else is dropped, except addresses on the whitelist and the management-access list.`,
    },
    {
      value: "WEB_ONLY",
      title: "Web interface only",
      description: `Only the web ports (${web}) are filtered by country. SIP and SSH stay reachable from everywhere, still protected by scanner signatures, rate limits and fail2ban.`,
    },
  ];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canWrite) return;
    save(
      () => saveGeoIpAction({ mode, countries: selected }),
      (saved) => {
        setMode(saved.mode);
        setSelected(saved.countries);
      },
    );
  }

  const isOwnCountryBlocked = isFiltering && location?.kind === "country" && !selected.includes(location.code);

  return (
    <form onSubmit={onSubmit} noValidate aria-label="GeoIP policy">
      <Card>
        <fieldset disabled={!canWrite || isPending} className="min-w-0 px-4 py-5 sm:px-6">
          <fieldset className="min-w-0">
          <legend className="text-base font-semibold">Mode</legend>
          <div className="mt-3 grid gap-3 md:grid-cols-3">
            {modes.map((option) => (
              <label
                key={option.value}
                className="flex cursor-pointer gap-3 rounded-lg border border-slate-300 p-4 has-checked:border-brand-600 has-checked:bg-brand-50 has-checked:ring-1 has-checked:ring-brand-600 has-disabled:cursor-not-allowed dark:border-slate-700 dark:has-checked:bg-brand-500/10"
              >
                <input
                  type="radio"
                  name="mode"
                  value={option.value}
                  checked={mode === option.value}
                  onChange={() => {
                    setMode(option.value);
                    clearMessage();
                  }}
                  className="mt-0.5 size-4 shrink-0 accent-brand-600"
                />
                <span className="min-w-0">
                  <span className="block text-sm font-semibold">{option.title}</span>
                  <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{option.description}</span>
                </span>
              </label>
            ))}
          </div>
          {fieldErrors.mode ? <p className="mt-2 text-sm text-red-700 dark:text-red-400">{fieldErrors.mode.join(" ")}</p> : null}
          </fieldset>

          {isFiltering && selected.length === 0 ? (
            <p className="mt-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200">
              Choose at least one allowed country. A filter with no allowed countries would drop everyone except the whitelist and
              management access, so it cannot be saved; switch the filter off instead.
            </p>
          ) : null}
          {isOwnCountryBlocked && location?.kind === "country" ? (
            <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200">
              <p>
                You are connecting from {location.address}, which is in {location.name}, a country this filter does not allow. If you
                manage the nodes from here, add the address to <Link href="/firewall/management-access" className={linkClass}>management access</Link>{" "}
                or the <Link href="/firewall/whitelist" className={linkClass}>whitelist</Link> before deploying, or allow {location.name}.
              </p>
              {canWrite ? (
                <Button size="sm" variant="secondary" className="mt-2" onClick={() => setSelected((s) => [...s, location.code])}>
                  Allow {location.name}
                </Button>
              ) : null}
            </div>
          ) : null}
          {isFiltering && location?.kind === "unknown" ? (
            <p className="mt-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200">
              The GeoIP dataset has no country for your address {location.address}: with the filter on it is dropped unless it is on
              the whitelist or the management-access list.
            </p>
          ) : null}

          <div className="mt-6">
            <CountryPicker
              countries={countries}
              selected={selected}
              isDisabled={!canWrite || isPending}
              error={fieldErrors.countries}
              onChange={(next) => {
                setSelected(next);
                clearMessage();
              }}
            />
            <p aria-live="polite" className="mt-3 text-sm text-slate-700 dark:text-slate-300">
              {totals.countries === 0 ? (
                "No country selected."
              ) : (
                <>
                  <strong>{numberFormat.format(totals.countries)}</strong> {totals.countries === 1 ? "country" : "countries"} selected:{" "}
                  {numberFormat.format(totals.ipv4Ranges)} IPv4 ranges ({compactFormat.format(totals.ipv4Addresses)} addresses) and{" "}
                  {numberFormat.format(totals.ipv6Ranges)} IPv6 ranges.
                </>
              )}
              {!isFiltering && totals.countries > 0 ? " The filter is off, so the selection is kept but not applied." : ""}
            </p>
          </div>
        </fieldset>

        <PolicyFormFooter message={message} isPending={isPending} canWrite={canWrite} submitLabel="Save GeoIP policy" />
      </Card>
    </form>
  );
}
