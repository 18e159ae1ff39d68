/**
 * A tiny GeoIP dataset for the lab's own ranges, in the shape of @ip-location-db/geo-whois-asn-country
 * (`first,last,CC` and the `-num` variant with integer bounds), so GeoIP rules can be tested end to end:
 * the panel and nodes (198.18.0.0/24) are in "CH", the attacker (198.18.1.0/24) in "KP".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { ATTACKER_NETWORK, NODE_NETWORK } from "./topology";

export const LAB_GEO_RANGES: ReadonlyArray<{ network: string; first: string; last: string; country: string }> = [
  { network: NODE_NETWORK, first: "198.18.0.0", last: "198.18.0.255", country: "CH" },
  { network: ATTACKER_NETWORK, first: "198.18.1.0", last: "198.18.1.255", country: "KP" },
];

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The two CSV texts (deterministic). */
export function renderLabGeoCsv(): { ipv4: string; ipv4Num: string } {
  return {
    ipv4: LAB_GEO_RANGES.map((r) => `${r.first},${r.last},${r.country}\n`).join(""),
    ipv4Num: LAB_GEO_RANGES.map((r) => `${ipv4ToNumber(r.first)},${ipv4ToNumber(r.last)},${r.country}\n`).join(""),
  };
}

/**
 * Writes the dataset into `<dir>/geo` in the upstream package's layout (package.json, the -num CSVs, an empty
 * IPv6 table), so RAMPART_GEOIP_DIR can point the panel at it; returns the paths.
 */
export function writeLabGeo(dir: string): { dir: string; ipv4: string; ipv4Num: string } {
  const csv = renderLabGeoCsv();
  const geoDir = join(dir, "geo");
  mkdirSync(geoDir, { recursive: true });
  const paths = { dir: geoDir, ipv4: join(geoDir, "geo-whois-asn-country-ipv4.csv"), ipv4Num: join(geoDir, "geo-whois-asn-country-ipv4-num.csv") };
  writeFileSync(join(geoDir, "package.json"), `${JSON.stringify({ name: "rampart-lab-geo", version: "1.0.0", private: true })}\n`);
  writeFileSync(paths.ipv4, csv.ipv4);
  writeFileSync(paths.ipv4Num, csv.ipv4Num);
  writeFileSync(join(geoDir, "geo-whois-asn-country-ipv6-num.csv"), "");
  return paths;
}
