import type { Metadata } from "next";
import { headers } from "next/headers";

import { PageHeader } from "@/components/ui/page-header";
import { callerFromUser } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { requirePagePermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { getGeoIpSettings, getPortsSettings } from "@/lib/db/queries/settings";
import { getGeoCatalog, type GeoCatalog } from "@/lib/geo/catalog";
import { locateAddress } from "@/lib/geo/countries";
import { parseHostAddress } from "@/lib/net/parse";
import { portsToForm } from "@/lib/validation/settings";

import { ReadOnlyNote } from "../rate-limits/_components/settings-form-parts";
import { GeoIpForm, type ClientLocation } from "./_components/geoip-form";
import { PortsForm } from "./_components/ports-form";

export const metadata: Metadata = { title: "GeoIP" };

/** The signed-in user's own address and country, for the "you would be filtered" warning; null when private or unknown. */
function locateClient(catalog: GeoCatalog, ip: string): ClientLocation | null {
  const parsed = parseHostAddress(ip);
  if (!parsed.ok || parsed.value.address === "0.0.0.0") return null;
  const where = locateAddress(catalog.source, catalog.countries.map((c) => c.code), parsed.value);
  if (where.kind === "private") return null;
  if (where.kind === "unknown") return { address: parsed.value.address, kind: "unknown" };
  return { address: parsed.value.address, kind: "country", code: where.code, name: catalog.byCode.get(where.code)?.name ?? where.code };
}

export default async function GeoIpPage() {
  const user = await requirePagePermission("policy:read");
  const caller = callerFromUser(user);
  const [settings, ports, catalog] = await Promise.all([getGeoIpSettings(caller), getPortsSettings(caller), getGeoCatalog()]);
  const canWrite = hasPermission(user.role, "policy:write");
  return (
    <>
      <PageHeader
        title="GeoIP"
        description={
          <>
            The countries allowed to reach your PBX nodes. Whitelisted and management addresses always get through. Country data:{" "}
            <span className="font-mono text-xs">{catalog.datasetId}</span> (CC0), shipped with Rampart.
          </>
        }
      />
      {canWrite ? null : <ReadOnlyNote what="the GeoIP policy and ports" />}
      <div className="space-y-6">
        <GeoIpForm
          initial={settings}
          countries={catalog.countries}
          webPorts={ports.webPorts}
          sshPorts={ports.sshPorts}
          location={locateClient(catalog, getClientIp(await headers()))}
          canWrite={canWrite}
        />
        <PortsForm initial={portsToForm(ports)} canWrite={canWrite} />
      </div>
    </>
  );
}
