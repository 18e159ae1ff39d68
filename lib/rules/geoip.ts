/**
 * GeoIP data for the compiler: the interface it is injected through, an in-memory implementation (tests, and
 * what the CSV loader builds), the dataset's CSV parser, and the merge of allowed countries into the fewest CIDRs.
 * Pure: the file reading lives in geo-data.ts.
 */
import { rangeToCidrsNumeric } from "@/lib/net/parse";

import type { Family } from "./model";

export interface GeoRange {
  /** First and last address, inclusive, as unsigned integers. */
  readonly first: bigint;
  readonly last: bigint;
}

/** Country ranges per family, injected into the compiler (tests use a tiny dataset). */
export interface GeoIpSource {
  /** Identifies the data (name and version); recorded in the manifest. */
  readonly datasetId: string;
  /** The country's ranges, ascending and non-overlapping; empty for a code without data. */
  ranges(country: string, family: Family): readonly GeoRange[];
}

const FAMILY_MAX: Readonly<Record<Family, bigint>> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/**
 * Sources that never come from a country and must never be geo-dropped: private, loopback, link-local and
 * CGNAT space (LAN phones, the node itself, IPv6 neighbour discovery). Merged into every GeoIP allow set.
 */
export const GEOIP_ALWAYS_ALLOWED: Readonly<Record<Family, readonly GeoRange[]>> = {
  4: [
    cidrRange(4, 10n << 24n, 8), // 10.0.0.0/8
    cidrRange(4, (100n << 24n) | (64n << 16n), 10), // 100.64.0.0/10
    cidrRange(4, 127n << 24n, 8), // 127.0.0.0/8
    cidrRange(4, (169n << 24n) | (254n << 16n), 16), // 169.254.0.0/16
    cidrRange(4, (172n << 24n) | (16n << 16n), 12), // 172.16.0.0/12
    cidrRange(4, (192n << 24n) | (168n << 16n), 16), // 192.168.0.0/16
  ],
  6: [
    cidrRange(6, 1n, 128), // ::1
    cidrRange(6, 0xfc00n << 112n, 7), // fc00::/7
    cidrRange(6, 0xfe80n << 112n, 10), // fe80::/10
  ],
};

function cidrRange(family: Family, first: bigint, prefix: number): GeoRange {
  const bits = BigInt((family === 4 ? 32 : 128) - prefix);
  return { first, last: first + (1n << bits) - 1n };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges(ranges: readonly GeoRange[]): GeoRange[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: GeoRange[] = [];
  let current: { first: bigint; last: bigint } | null = null;
  for (const range of sorted) {
    if (current !== null && range.first <= current.last + 1n) {
      if (range.last > current.last) current.last = range.last;
      continue;
    }
    if (current !== null) out.push(current);
    current = { first: range.first, last: range.last };
  }
  if (current !== null) out.push(current);
  return out;
}

export interface GeoAllowSet {
  /** Canonical CIDRs, ascending: the fewest that exactly cover the allowed countries plus GEOIP_ALWAYS_ALLOWED. */
  readonly networks: string[];
  readonly countriesWithoutData: string[];
}

/** Merges the allowed countries' ranges (and the always-allowed ranges) into the fewest CIDRs; deterministic. */
export function buildGeoAllowSet(source: GeoIpSource, countries: readonly string[], family: Family): GeoAllowSet {
  const ranges: GeoRange[] = [...GEOIP_ALWAYS_ALLOWED[family]];
  const countriesWithoutData: string[] = [];
  for (const country of [...countries].sort()) {
    const own = source.ranges(country, family);
    if (own.length === 0) countriesWithoutData.push(country);
    for (const range of own) ranges.push(range);
  }
  const networks: string[] = [];
  for (const range of mergeRanges(ranges)) {
    for (const network of rangeToCidrsNumeric(family, range.first, range.last)) networks.push(network.canonical);
  }
  return { networks, countriesWithoutData };
}

/** A GeoIpSource over ranges already in memory; ranges are validated, sorted and merged per country. */
export function createMemoryGeoIpSource(
  datasetId: string,
  data: Readonly<Record<string, Partial<Record<Family, readonly GeoRange[]>>>>,
): GeoIpSource {
  const table = new Map<string, Record<Family, GeoRange[]>>();
  for (const [country, byFamily] of Object.entries(data)) {
    if (!/^[A-Z]{2}$/.test(country)) throw new Error(`GeoIP data: invalid country code ${JSON.stringify(country)}.`);
    const entry: Record<Family, GeoRange[]> = { 4: [], 6: [] };
    for (const family of [4, 6] as const) {
      for (const range of byFamily[family] ?? []) checkRange(family, range);
      entry[family] = mergeRanges(byFamily[family] ?? []);
    }
    table.set(country, entry);
  }
  return {
    datasetId,
    ranges: (country, family) => table.get(country)?.[family] ?? [],
  };
}

function checkRange(family: Family, range: GeoRange): void {
  if (range.first < 0n || range.last > FAMILY_MAX[family] || range.first > range.last) {
    throw new Error(`GeoIP data: invalid IPv${family} range ${range.first}-${range.last}.`);
  }
}

/**
 * Incremental parser for the "-num" CSV files of @ip-location-db (`first,last,CC` as decimal integers, one range
 * per line). Feed it text chunks in order; it splits lines itself (no regex per line) and rejects malformed rows
 * with their line number, since a silently skipped row would open or close a whole network.
 */
export class GeoCsvParser {
  private readonly byCountry = new Map<string, GeoRange[]>();
  private carry = "";
  private line = 0;

  constructor(private readonly family: Family) {}

  push(chunk: string): void {
    const text = this.carry + chunk;
    let start = 0;
    for (let end = text.indexOf("\n", start); end >= 0; end = text.indexOf("\n", start)) {
      this.parseLine(text, start, end);
      start = end + 1;
    }
    this.carry = text.slice(start);
  }

  /** Ends the input and returns the ranges per country (unsorted as read). */
  finish(): Map<string, GeoRange[]> {
    if (this.carry.length > 0) this.parseLine(this.carry, 0, this.carry.length);
    this.carry = "";
    return this.byCountry;
  }

  private parseLine(text: string, start: number, end: number): void {
    this.line++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end === start) return;
    const comma1 = text.indexOf(",", start);
    const comma2 = comma1 < 0 ? -1 : text.indexOf(",", comma1 + 1);
    if (comma1 < 0 || comma2 < 0 || comma2 >= end || end - comma2 !== 3) this.fail();
    const country = text.slice(comma2 + 1, end);
    const a = country.charCodeAt(0);
    const b = country.charCodeAt(1);
    if (a < 65 || a > 90 || b < 65 || b > 90) this.fail();
    const first = parseDecimal(text, start, comma1);
    const last = parseDecimal(text, comma1 + 1, comma2);
    if (first === null || last === null || first > last || last > FAMILY_MAX[this.family]) this.fail();
    let list = this.byCountry.get(country);
    if (list === undefined) {
      list = [];
      this.byCountry.set(country, list);
    }
    list.push({ first: first as bigint, last: last as bigint });
  }

  private fail(): never {
    throw new Error(`GeoIP CSV (IPv${this.family}): malformed row at line ${this.line}.`);
  }
}

function parseDecimal(text: string, start: number, end: number): bigint | null {
  if (end <= start || end - start > 39) return null;
  if (end - start > 1 && text.charCodeAt(start) === 48) return null; // leading zero
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return BigInt(text.slice(start, end));
}
