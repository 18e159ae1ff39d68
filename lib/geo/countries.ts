/**
 * Countries of the GeoIP dataset as the panel shows them: English names, the number of address ranges per
 * family, and which country an address belongs to. Pure: works on a GeoIpSource (lib/rules/geoip.ts), which
 * lib/geo/catalog.ts loads from the shipped dataset and tests build in memory.
 */
import { addressToBigInt, type ParsedNetwork } from "@/lib/net/parse";
import { GEOIP_ALWAYS_ALLOWED, type GeoIpSource, type GeoRange } from "@/lib/rules/geoip";

export interface CountrySummary {
  /** ISO 3166-1 alpha-2, upper case. */
  code: string;
  name: string;
  /** Contiguous address ranges after merging adjacent dataset rows (what the compiler turns into CIDRs). */
  ipv4Ranges: number;
  ipv6Ranges: number;
  /** IPv4 addresses covered (at most 2^32, exact as a double). */
  ipv4Addresses: number;
}

const displayNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** Codes whose ICU name would mislead: the dataset still uses AN, which ICU maps to one of its successors. */
const NAME_OVERRIDES: Readonly<Record<string, string>> = { AN: "Netherlands Antilles (former)" };

/** The English name of an ISO 3166-1 alpha-2 code; the code itself when there is none. Deterministic. */
export function countryName(code: string): string {
  const override = NAME_OVERRIDES[code];
  if (override !== undefined) return override;
  if (!/^[A-Z]{2}$/.test(code)) return code;
  const name = displayNames.of(code);
  return name === undefined || name === "Unknown Region" ? code : name;
}

/** Every two-letter code from AA to ZZ, the space a dataset's codes are drawn from. */
function allTwoLetterCodes(): string[] {
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) codes.push(String.fromCharCode(a, b));
  return codes;
}

function countAddresses(ranges: readonly GeoRange[]): number {
  let total = 0n;
  for (const range of ranges) total += range.last - range.first + 1n;
  return Number(total);
}

/** One summary per country with data in the source, sorted by English name (then code); deterministic. */
export function summarizeCountries(source: GeoIpSource): CountrySummary[] {
  const out: CountrySummary[] = [];
  for (const code of allTwoLetterCodes()) {
    const v4 = source.ranges(code, 4);
    const v6 = source.ranges(code, 6);
    if (v4.length === 0 && v6.length === 0) continue;
    out.push({ code, name: countryName(code), ipv4Ranges: v4.length, ipv6Ranges: v6.length, ipv4Addresses: countAddresses(v4) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, "en") || a.code.localeCompare(b.code));
}

export interface SelectionTotals {
  countries: number;
  ipv4Ranges: number;
  ipv6Ranges: number;
  ipv4Addresses: number;
}

/** Sums of the selected countries' figures; codes without a summary count as countries with no ranges. */
export function totalsOf(summaries: ReadonlyMap<string, CountrySummary>, codes: readonly string[]): SelectionTotals {
  const totals: SelectionTotals = { countries: 0, ipv4Ranges: 0, ipv6Ranges: 0, ipv4Addresses: 0 };
  for (const code of new Set(codes)) {
    totals.countries++;
    const summary = summaries.get(code);
    if (summary === undefined) continue;
    totals.ipv4Ranges += summary.ipv4Ranges;
    totals.ipv6Ranges += summary.ipv6Ranges;
    totals.ipv4Addresses += summary.ipv4Addresses;
  }
  return totals;
}

function rangesContain(ranges: readonly GeoRange[], value: bigint): boolean {
  // Ranges are ascending and non-overlapping (GeoIpSource's contract): binary search.
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid] as GeoRange;
    if (value < range.first) high = mid - 1;
    else if (value > range.last) low = mid + 1;
    else return true;
  }
  return false;
}

export type AddressLocation = { kind: "private" } | { kind: "country"; code: string } | { kind: "unknown" };

/**
 * Where a host address is: private space (never geo-filtered, see GEOIP_ALWAYS_ALLOWED), a country of the
 * source, or unknown (no country has it). `codes` are the countries to look in (the summarised ones).
 */
export function locateAddress(source: GeoIpSource, codes: readonly string[], address: ParsedNetwork): AddressLocation {
  const value = addressToBigInt(address);
  if (rangesContain(GEOIP_ALWAYS_ALLOWED[address.family], value)) return { kind: "private" };
  for (const code of codes) {
    if (rangesContain(source.ranges(code, address.family), value)) return { kind: "country", code };
  }
  return { kind: "unknown" };
}
