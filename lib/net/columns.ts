/**
 * Networks as compact columns, for imports of a million lines: 18 bytes a network in typed arrays instead of
 * a ParsedNetwork object with its two strings (about 110 bytes). Values go in only as ParsedNetwork (strictly
 * parsed) and come out through networkFromWords, so canonical text is still made by the one parser.
 */
import { addressWords, networkFromWords, type IpFamily, type ParsedNetwork } from "./parse";

/** Words a network takes in `words`: eight for IPv6; IPv4 uses the first two. */
const STRIDE = 8;

export interface NetworkColumns {
  /** Networks stored (the arrays may be longer). */
  count: number;
  /** 4 or 6. */
  readonly family: Uint8Array;
  readonly prefix: Uint8Array;
  /** The address as big-endian 16-bit words, STRIDE per network. */
  readonly words: Uint16Array;
}

export function createNetworkColumns(capacity: number): NetworkColumns {
  return { count: 0, family: new Uint8Array(capacity), prefix: new Uint8Array(capacity), words: new Uint16Array(capacity * STRIDE) };
}

/** Stores the network after the last one; returns its index. */
export function appendNetwork(columns: NetworkColumns, network: ParsedNetwork): number {
  const index = columns.count++;
  columns.family[index] = network.family;
  columns.prefix[index] = network.prefixLength;
  columns.words.set(addressWords(network), index * STRIDE);
  return index;
}

export function networkColumnsOf(networks: readonly ParsedNetwork[]): NetworkColumns {
  const columns = createNetworkColumns(networks.length);
  for (const network of networks) appendNetwork(columns, network);
  return columns;
}

/** The network at `index` (a fresh ParsedNetwork, canonical text and all). */
export function networkAt(columns: NetworkColumns, index: number): ParsedNetwork {
  const family = columns.family[index] as IpFamily;
  const start = index * STRIDE;
  return networkFromWords(family, Array.from(columns.words.subarray(start, start + (family === 4 ? 2 : STRIDE))), columns.prefix[index]!);
}

export function isHostAt(columns: NetworkColumns, index: number): boolean {
  return columns.prefix[index] === (columns.family[index] === 4 ? 32 : 128);
}

/** An IPv4 network's address as an unsigned number. */
export function ipv4ValueAt(columns: NetworkColumns, index: number): number {
  return columns.words[index * STRIDE]! * 0x10000 + columns.words[index * STRIDE + 1]!;
}

/** An IPv6 network's address as an unsigned 128-bit integer. */
export function ipv6ValueAt(columns: NetworkColumns, index: number): bigint {
  let value = 0n;
  for (let i = 0; i < STRIDE; i++) value = (value << 16n) | BigInt(columns.words[index * STRIDE + i]!);
  return value;
}

/** Order of two networks of one family: by address, then shorter prefix first (0 only for equal networks). */
export function compareNetworksAt(columns: NetworkColumns, a: number, b: number): number {
  const words = columns.words;
  for (let i = 0; i < STRIDE; i++) {
    const d = words[a * STRIDE + i]! - words[b * STRIDE + i]!;
    if (d !== 0) return d;
  }
  return columns.prefix[a]! - columns.prefix[b]!;
}
