import { join } from "node:path";

import { getEnv } from "@/lib/env";
import { GEOIP_PACKAGE } from "@/lib/rules/geo-data";

/**
 * The shipped dataset package's directory. Not require.resolve: in Next.js server bundles Turbopack replaces
 * require.resolve() with a numeric module id. The package is a dependency of the app, so it sits in the
 * app's node_modules; outside Next.js this is the same path require.resolve gives, so the reader's
 * per-directory cache is shared by the panel, the compiler and the collector.
 */
export function shippedGeoIpDir(): string {
  return join(process.cwd(), "node_modules", GEOIP_PACKAGE);
}

/** Where rulesets and ban countries read GeoIP ranges from: RAMPART_GEOIP_DIR (the lab's), else the shipped package. */
export function geoIpDatasetDir(): string {
  return getEnv().RAMPART_GEOIP_DIR ?? shippedGeoIpDir();
}
