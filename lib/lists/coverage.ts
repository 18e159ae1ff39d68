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
import { addressToBigInt, type ParsedNetwork } from "@/lib/net/parse";

export type CoverageVerdict =
  /** Same network as an earlier candidate (its index). */
  | { kind: "duplicate"; of: number }
  /** Inside a strictly wider candidate (its index). */
  | { kind: "covered-by-candidate"; by: number }
  /** Inside a strictly wider existing network (its index). */
  | { kind: "covered-by-existing"; by: number };

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
  hosts: number[];
  valueOf(network: ParsedNetwork): T;
}

function verdictOf<T>(cover: Block<T>): CoverageVerdict {
  return cover.source === 0 ? { kind: "covered-by-existing", by: cover.index } : { kind: "covered-by-candidate", by: cover.index };
}

/** Marks covered networks and hosts of one family; returns nothing, fills verdicts. */
function analyseFamily<T extends number | bigint>(family: Family<T>, candidates: readonly ParsedNetwork[], verdicts: (CoverageVerdict | null)[]): void {
  const { networks, hosts } = family;
  if (networks.length === 0) return;
  networks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix || a.source - b.source || a.index - b.index));
  const outermost: Block<T>[] = [];
  let best: Block<T> | null = null;
  for (const block of networks) {
    if (best !== null && best.end >= block.end && best.prefix < block.prefix) {
      if (block.source === 1) verdicts[block.index] = verdictOf(best);
    } else if (best === null || block.end > best.end) {
      outermost.push(block);
    }
    if (best === null || block.end > best.end) best = block;
  }
  for (const index of hosts) {
    const value = family.valueOf(candidates[index]!);
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
    if (cover !== null && cover.end >= value) verdicts[index] = verdictOf(cover);
  }
}

/**
 * Marks every repeat of an earlier candidate. IPv4 networks are compared as numbers in one native sort, so a
 * map is built only for the (usually few) values that repeat.
 */
function markDuplicates(candidates: readonly ParsedNetwork[], verdicts: (CoverageVerdict | null)[]): void {
  const keys = new Float64Array(candidates.length);
  let v4Count = 0;
  const v6First = new Map<string, number>();
  for (let index = 0; index < candidates.length; index++) {
    const network = candidates[index]!;
    if (network.family === 4) {
      keys[index] = ipv4ToNumber(network.address) * 64 + network.prefixLength;
      v4Count++;
    } else {
      keys[index] = -1;
      const first = v6First.get(network.canonical);
      if (first === undefined) v6First.set(network.canonical, index);
      else verdicts[index] = { kind: "duplicate", of: first };
    }
  }
  if (v4Count === 0) return;
  const sorted = keys.slice().sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1] && sorted[i]! >= 0) repeated.add(sorted[i]!);
  if (repeated.size === 0) return;
  const first = new Map<number, number>();
  for (let index = 0; index < candidates.length; index++) {
    const key = keys[index]!;
    if (!repeated.has(key)) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else verdicts[index] = { kind: "duplicate", of: earlier };
  }
}

/**
 * One verdict per candidate (null: neither a duplicate nor covered). With `checkCovered: false` only
 * duplicates are reported. Pass only the existing entries that count (active, same list and tenant).
 */
export function analyseCoverage(
  candidates: readonly ParsedNetwork[],
  existing: readonly ParsedNetwork[],
  options: { checkCovered: boolean },
): (CoverageVerdict | null)[] {
  const verdicts: (CoverageVerdict | null)[] = new Array<CoverageVerdict | null>(candidates.length).fill(null);
  markDuplicates(candidates, verdicts);
  if (!options.checkCovered) return verdicts;

  const v4: Family<number> = { networks: [], hosts: [], valueOf: (n) => ipv4ToNumber(n.address) };
  const v6: Family<bigint> = { networks: [], hosts: [], valueOf: (n) => addressToBigInt(n) };
  const addNetwork = (network: ParsedNetwork, source: 0 | 1, index: number) => {
    if (network.family === 4) {
      const start = ipv4ToNumber(network.address);
      v4.networks.push({ start, end: start + 2 ** (32 - network.prefixLength) - 1, prefix: network.prefixLength, source, index });
    } else {
      const start = addressToBigInt(network);
      v6.networks.push({ start, end: start + (1n << BigInt(128 - network.prefixLength)) - 1n, prefix: network.prefixLength, source, index });
    }
  };
  existing.forEach((network, index) => {
    if (!network.isHost) addNetwork(network, 0, index);
  });
  candidates.forEach((network, index) => {
    if (verdicts[index] !== null) return;
    if (!network.isHost) addNetwork(network, 1, index);
    else (network.family === 4 ? v4.hosts : v6.hosts).push(index);
  });
  analyseFamily(v4, candidates, verdicts);
  analyseFamily(v6, candidates, verdicts);
  return verdicts;
}

/** Composite keys (address * 2^21 + position) stay exact in a double up to this many IPv4 indices. */
const PACKED_INDEX_LIMIT = 2 ** 21;

/**
 * The given indices in (nearly) the order PostgreSQL's inet btree keeps their networks: IPv4 before IPv6, then
 * by address (a network and a host at the same address may come in either order). Used to insert rows in
 * index order; for lists up to two million lines it is one native numeric sort.
 */
export function sortByNetwork(networks: readonly ParsedNetwork[], indices: readonly number[]): number[] {
  const v4: number[] = [];
  const v6: { key: bigint; index: number }[] = [];
  for (const index of indices) {
    const network = networks[index]!;
    if (network.family === 4) v4.push(index);
    else v6.push({ key: (addressToBigInt(network) << 8n) | BigInt(network.prefixLength), index });
  }
  let orderedV4: number[];
  if (v4.length <= PACKED_INDEX_LIMIT) {
    const packed = new Float64Array(v4.length);
    for (let i = 0; i < v4.length; i++) packed[i] = ipv4ToNumber(networks[v4[i]!]!.address) * PACKED_INDEX_LIMIT + i;
    packed.sort();
    orderedV4 = new Array<number>(v4.length);
    for (let i = 0; i < packed.length; i++) orderedV4[i] = v4[packed[i]! % PACKED_INDEX_LIMIT]!;
  } else {
    const keys = new Map(v4.map((index) => [index, ipv4ToNumber(networks[index]!.address) * 64 + networks[index]!.prefixLength]));
    orderedV4 = [...v4].sort((a, b) => keys.get(a)! - keys.get(b)!);
  }
  v6.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return orderedV4.concat(v6.map((item) => item.index));
}
