/**
 * The country catalog of the shipped GeoIP dataset (@ip-location-db/geo-whois-asn-country, CC0, installed with
 * the app, never downloaded at run time). It reuses the compiler's reader (lib/rules/geo-data.ts), which
 * parses the CSV files once per process and keeps them in memory, so the panel and the compiler share one copy;
 * the summaries are computed once on top of it.
 */
import "server-only";

import { join } from "node:path";

import { GEOIP_PACKAGE, loadGeoIpDataset } from "@/lib/rules/geo-data";
import type { GeoIpSource } from "@/lib/rules/geoip";

import { summarizeCountries, type CountrySummary } from "./countries";

export interface GeoCatalog {
  /** Dataset name and version, as recorded in ruleset manifests. */
  datasetId: string;
  /** Countries with data, sorted by English name. */
  countries: readonly CountrySummary[];
  byCode: ReadonlyMap<string, CountrySummary>;
  source: GeoIpSource;
}

let pending: Promise<GeoCatalog> | undefined;

/**
 * The dataset package's directory. Not the reader's default (require.resolve): in Next.js server bundles
 * Turbopack replaces require.resolve() with a numeric module id. The package is a dependency of the app, so it
 * sits in the app's node_modules; outside Next.js this is the same path require.resolve gives, so the reader's
 * per-directory cache is shared with the compiler.
 */
function geoIpPackageDir(): string {
  return join(process.cwd(), "node_modules", GEOIP_PACKAGE);
}

async function build(): Promise<GeoCatalog> {
  const source = await loadGeoIpDataset(geoIpPackageDir());
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
