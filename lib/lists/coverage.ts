/**
 * Duplicate and coverage analysis for imports: which new networks repeat an earlier line, and which lie
 * inside a wider network (an earlier or later line of the same import, or an existing active entry). Pure
 * and deterministic; built for a million lines in well under a second.
 *
 * CIDR blocks are either nested or disjoint. The networks (not hosts) of both sides are sorted by (start,
 * prefix length), wider first: a network is covered by a strictly wider one iff the largest end seen so far
 * reaches its own end. The networks no other network covers form disjoint intervals, and a host is covered
 * iff a binary search finds it inside one of them. Hosts, usually nearly all of the lines, are never sorted.
 */
import {
  compareNetworksAt,
  ipv4ValueAt,
  ipv6ValueAt,
  isHostAt,
  networkColumnsOf,
  type NetworkColumns,
} from "@/lib/net/columns";
import type { ParsedNetwork } from "@/lib/net/parse";

export type CoverageVerdict =
  /** Same network as an earlier candidate (its index). */
  | { kind: "duplicate"; of: number }
  /** Inside a strictly wider candidate (its index). */
  | { kind: "covered-by-candidate"; by: number }
  /** Inside a strictly wider existing network (its index). */
  | { kind: "covered-by-existing"; by: number };

/** Verdict kinds as stored in CoverageVerdicts.kind. */
export const VERDICT = { none: 0, duplicate: 1, coveredByCandidate: 2, coveredByExisting: 3 } as const;

/** One verdict per candidate as two columns: its kind (VERDICT) and the index it refers to. */
export interface CoverageVerdicts {
  kind: Uint8Array;
  of: Uint32Array;
}

/** A canonical dotted-quad IPv4 address as an unsigned number (the text is trusted: it came from lib/net). */
export function ipv4ToNumber(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 48);
    }
  }
  return value * 256 + octet;
}

interface Block<T> {
  start: T;
  end: T;
  prefix: number;
  /** 0: existing, 1: candidate (existing first on ties, so they are reported as the cover). */
  source: 0 | 1;
  index: number;
}

interface Family<T> {
  networks: Block<T>[];
  /** Candidate indices of hosts, the first hostCount of them (hosts are usually nearly all the lines). */
  hosts: Uint32Array;
  hostCount: number;
  valueOf(columns: NetworkColumns, index: number): T;
}

function mark(verdicts: CoverageVerdicts, index: number, kind: number, of: number): void {
  verdicts.kind[index] = kind;
  verdicts.of[index] = of;
}

function markCovered<T>(verdicts: CoverageVerdicts, index: number, cover: Block<T>, isCandidateCover: boolean): void {
  if (cover.source === 1 && !isCandidateCover) return;
  mark(verdicts, index, cover.source === 0 ? VERDICT.coveredByExisting : VERDICT.coveredByCandidate, cover.index);
}

/** Marks covered networks and hosts of one family; returns nothing, fills verdicts. */
function analyseFamily<T extends number | bigint>(family: Family<T>, candidates: NetworkColumns, verdicts: CoverageVerdicts, isCandidateCover: boolean): void {
  const { networks, hosts } = family;
  if (networks.length === 0) return;
  networks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix || a.source - b.source || a.index - b.index));
  const outermost: Block<T>[] = [];
  let best: Block<T> | null = null;
  for (const block of networks) {
    if (best !== null && best.end >= block.end && best.prefix < block.prefix) {
      if (block.source === 1) markCovered(verdicts, block.index, best, isCandidateCover);
    } else if (best === null || block.end > best.end) {
      outermost.push(block);
    }
    if (best === null || block.end > best.end) best = block;
  }
  for (let h = 0; h < family.hostCount; h++) {
    const index = hosts[h]!;
    const value = family.valueOf(candidates, index);
    let low = 0;
    let high = outermost.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (outermost[mid]!.start <= value) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    const cover = found >= 0 ? outermost[found]! : null;
    if (cover !== null && cover.end >= value) markCovered(verdicts, index, cover, isCandidateCover);
  }
}

/**
 * Marks every repeat of an earlier candidate. IPv4 networks are compared as numbers in one native sort, so a
 * map is built only for the (usually few) values that repeat; IPv6 networks by sorting their indices.
 */
function markDuplicates(candidates: NetworkColumns, verdicts: CoverageVerdicts): void {
  const count = candidates.count;
  const keys = new Float64Array(count);
  let v4Count = 0;
  const v6: number[] = [];
  for (let index = 0; index < count; index++) {
    if (candidates.family[index] === 4) {
      keys[index] = ipv4ValueAt(candidates, index) * 64 + candidates.prefix[index]!;
      v4Count++;
    } else {
      keys[index] = -1;
      v6.push(index);
    }
  }
  if (v6.length > 1) {
    // Equal networks sort together, earliest line first (the sort is stable).
    v6.sort((a, b) => compareNetworksAt(candidates, a, b));
    for (let i = 1, first = v6[0]!; i < v6.length; i++) {
      const index = v6[i]!;
      if (compareNetworksAt(candidates, first, index) === 0) mark(verdicts, index, VERDICT.duplicate, first);
      else first = index;
    }
  }
  if (v4Count === 0) return;
  const sorted = keys.slice().sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1] && sorted[i]! >= 0) repeated.add(sorted[i]!);
  if (repeated.size === 0) return;
  const first = new Map<number, number>();
  for (let index = 0; index < count; index++) {
    const key = keys[index]!;
    if (!repeated.has(key)) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else mark(verdicts, index, VERDICT.duplicate, earlier);
  }
}

/**
 * One verdict per candidate (VERDICT.none: neither a duplicate nor covered). With `checkCovered: false` only
 * duplicates are reported. Pass only the existing entries that count (active, same list and tenant). With
 * `isCandidateCover: false` a candidate never counts as covering another (a whitelist import whose lines trust
 * different scopes: a SIP /24 does not make an ALL host redundant); coverage is then under-reported, never over.
 */
export function analyseCoverageColumns(
  candidates: NetworkColumns,
  existing: NetworkColumns,
  options: { checkCovered: boolean; isCandidateCover?: boolean; excluded?: Uint8Array },
): CoverageVerdicts {
  const verdicts: CoverageVerdicts = { kind: new Uint8Array(candidates.count), of: new Uint32Array(candidates.count) };
  markDuplicates(candidates, verdicts);
  if (!options.checkCovered) return verdicts;

  const hosts = new Uint32Array(candidates.count);
  const v4: Family<number> = { networks: [], hosts, hostCount: 0, valueOf: ipv4ValueAt };
  // IPv6 hosts fill the same array from its end.
  const v6: Family<bigint> = { networks: [], hosts, hostCount: 0, valueOf: ipv6ValueAt };
  const addNetwork = (columns: NetworkColumns, index: number, source: 0 | 1) => {
    const prefix = columns.prefix[index]!;
    if (columns.family[index] === 4) {
      const start = ipv4ValueAt(columns, index);
      v4.networks.push({ start, end: start + 2 ** (32 - prefix) - 1, prefix, source, index });
    } else {
      const start = ipv6ValueAt(columns, index);
      v6.networks.push({ start, end: start + (1n << BigInt(128 - prefix)) - 1n, prefix, source, index });
    }
  };
  for (let index = 0; index < existing.count; index++) {
    if (!isHostAt(existing, index)) addNetwork(existing, index, 0);
  }
  for (let index = 0; index < candidates.count; index++) {
    // Lines refused for another reason (excluded[index] === 1) neither cover nor are covered.
    if (verdicts.kind[index] !== VERDICT.none || options.excluded?.[index] === 1) continue;
    if (!isHostAt(candidates, index)) addNetwork(candidates, index, 1);
    else if (candidates.family[index] === 4) hosts[v4.hostCount++] = index;
    else hosts[hosts.length - 1 - v6.hostCount++] = index;
  }
  const isCandidateCover = options.isCandidateCover !== false;
  analyseFamily(v4, candidates, verdicts, isCandidateCover);
  v6.hosts = hosts.subarray(hosts.length - v6.hostCount).reverse();
  analyseFamily(v6, candidates, verdicts, isCandidateCover);
  return verdicts;
}

/** analyseCoverageColumns for networks as objects: one verdict or null per candidate. */
export function analyseCoverage(
  candidates: readonly ParsedNetwork[],
  existing: readonly ParsedNetwork[],
  options: { checkCovered: boolean; isCandidateCover?: boolean },
): (CoverageVerdict | null)[] {
  const verdicts = analyseCoverageColumns(networkColumnsOf(candidates), networkColumnsOf(existing), options);
  return Array.from(verdicts.kind, (kind, i): CoverageVerdict | null => {
    const of = verdicts.of[i]!;
    if (kind === VERDICT.duplicate) return { kind: "duplicate", of };
    if (kind === VERDICT.coveredByCandidate) return { kind: "covered-by-candidate", by: of };
    if (kind === VERDICT.coveredByExisting) return { kind: "covered-by-existing", by: of };
    return null;
  });
}

/** Composite keys (address * 2^21 + position) stay exact in a double up to this many IPv4 indices. */
const PACKED_INDEX_LIMIT = 2 ** 21;

/**
 * The given indices in (nearly) the order PostgreSQL's inet btree keeps their networks: IPv4 before IPv6, then
 * by address (a network and a host at the same address may come in either order). Used to insert rows in
 * index order; for lists up to two million lines it is one native numeric sort.
 */
export function sortByNetworkColumns(networks: NetworkColumns, indices: ArrayLike<number>): Uint32Array {
  // IPv4 indices fill the result from its start, IPv6 ones from its end; each part is then sorted in place.
  const order = new Uint32Array(indices.length);
  let v4Count = 0;
  let v6Count = 0;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (networks.family[index] === 4) order[v4Count++] = index;
    else order[order.length - 1 - v6Count++] = index;
  }
  const v4 = order.subarray(0, v4Count);
  if (v4Count <= PACKED_INDEX_LIMIT) {
    const packed = new Float64Array(v4Count);
    for (let i = 0; i < v4Count; i++) packed[i] = ipv4ValueAt(networks, v4[i]!) * PACKED_INDEX_LIMIT + i;
    packed.sort();
    const unsorted = v4.slice();
    for (let i = 0; i < v4Count; i++) v4[i] = unsorted[packed[i]! % PACKED_INDEX_LIMIT]!;
  } else {
    v4.sort((a, b) => compareNetworksAt(networks, a, b) || a - b);
  }
  // Reversed first, so equal keys keep their given order as the IPv4 part does.
  order.subarray(v4Count).reverse().sort((a, b) => compareNetworksAt(networks, a, b));
  return order;
}

/** sortByNetworkColumns for networks as objects. */
export function sortByNetwork(networks: readonly ParsedNetwork[], indices: readonly number[]): number[] {
  return Array.from(sortByNetworkColumns(networkColumnsOf(networks), indices));
}
