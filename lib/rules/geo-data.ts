/**
 * The GeoIP source over the shipped dataset (@ip-location-db/geo-whois-asn-country, CC0): reads the "-num" CSV
 * files once per process, streaming, and caches the result. One of the two files in lib/rules that touch the
 * file system (write.ts is the other); the compiler receives the source as an injected GeoIpSource.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { createMemoryGeoIpSource, GeoCsvParser, type GeoIpSource, type GeoRange } from "./geoip";
import type { Family } from "./model";

export const GEOIP_PACKAGE = "@ip-location-db/geo-whois-asn-country";

const cache = new Map<string, Promise<GeoIpSource>>();

async function parseFile(path: string, family: Family): Promise<Map<string, GeoRange[]>> {
  const parser = new GeoCsvParser(family);
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  for await (const chunk of stream) parser.push(chunk as string);
  return parser.finish();
}

/** The package directory, resolved from this project's node_modules. */
export function resolveGeoIpPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${GEOIP_PACKAGE}/package.json`));
}

async function load(dir: string): Promise<GeoIpSource> {
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string") throw new Error(`${dir}/package.json has no name or version.`);
  const [v4, v6] = await Promise.all([
    parseFile(join(dir, "geo-whois-asn-country-ipv4-num.csv"), 4),
    parseFile(join(dir, "geo-whois-asn-country-ipv6-num.csv"), 6),
  ]);
  const data: Record<string, Partial<Record<Family, GeoRange[]>>> = {};
  for (const [family, table] of [[4, v4], [6, v6]] as const) {
    for (const [country, ranges] of table) (data[country] ??= {})[family] = ranges;
  }
  return createMemoryGeoIpSource(`${pkg.name}@${pkg.version}`, data);
}

/** The dataset as a GeoIpSource; loaded once per directory and process, then served from memory. */
export function loadGeoIpDataset(dir: string = resolveGeoIpPackageDir()): Promise<GeoIpSource> {
  let pending = cache.get(dir);
  if (pending === undefined) {
    pending = load(dir);
    cache.set(dir, pending);
    pending.catch(() => cache.delete(dir));
  }
  return pending;
}
