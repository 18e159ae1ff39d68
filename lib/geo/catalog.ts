/**
 * The country catalog of the shipped GeoIP dataset (@ip-location-db/geo-whois-asn-country, CC0, installed with
 * the app, never downloaded at run time). It reuses the compiler's reader (lib/rules/geo-data.ts), which
 * parses the CSV files once per process and keeps them in memory, so the panel and the compiler share one copy;
 * the summaries are computed once on top of it.
 */
import "server-only";

import { loadGeoIpDataset } from "@/lib/rules/geo-data";
import type { GeoIpSource } from "@/lib/rules/geoip";

import { summarizeCountries, type CountrySummary } from "./countries";
import { shippedGeoIpDir } from "./dataset-dir";

export interface GeoCatalog {
  /** Dataset name and version, as recorded in ruleset manifests. */
  datasetId: string;
  /** Countries with data, sorted by English name. */
  countries: readonly CountrySummary[];
  byCode: ReadonlyMap<string, CountrySummary>;
  source: GeoIpSource;
}

let pending: Promise<GeoCatalog> | undefined;

async function build(): Promise<GeoCatalog> {
  const source = await loadGeoIpDataset(shippedGeoIpDir());
  const countries = summarizeCountries(source);
  return { datasetId: source.datasetId, countries, byCode: new Map(countries.map((c) => [c.code, c])), source };
}

/** The catalog, loaded on first use (about a second and a half) and served from memory afterwards. */
export function getGeoCatalog(): Promise<GeoCatalog> {
  if (pending === undefined) {
    pending = build();
    // A failed load (a broken installation) is retried by the next caller instead of being cached.
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

/** The codes of `codes` that the dataset has no data for, in input order. */
export async function findUnknownCountries(codes: readonly string[]): Promise<string[]> {
  const { byCode } = await getGeoCatalog();
  return codes.filter((code) => !byCode.has(code));
}
