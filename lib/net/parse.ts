/**
 * The strict IPv4 / IPv6 / CIDR parser: the only way any Rampart boundary (form, API, CLI, file import)
 * turns text into an address or network.
 *
 * Why hand-written and this strict: the canonical text produced here is what reaches iptables, ipset and
 * fail2ban. They read "010.1.1.1" as octal (8.1.1.1), "10.1" as 10.0.0.1, "167772161" as 10.0.0.1, and
 * resolve host names through DNS. General-purpose parsers accept such forms (ipaddr.js takes
 * "0010.0xa5.1.1"; Node's net takes zone ids), so anything that is not plainly one of the forms below is
 * rejected with a message that says what is wrong and what to write instead:
 *
 *   IPv4   four decimal octets 0-255 without leading zeros: 192.0.2.1
 *   IPv6   RFC 4291 text, hex in either case, at most one "::", optionally ending in a strict IPv4 part;
 *          never IPv4-mapped (see rejectMapped)
 *   prefix "/" and a decimal prefix length without leading zeros, 0-32 or 0-128; host bits must be clear
 *
 * Canonical text is exactly PostgreSQL's `inet` output (which is also what BIND's / libuv's inet_ntop and
 * so Node's net.SocketAddress print): lower case, no leading zeros, the longest run of two or more zero
 * groups compressed (the first on ties), a host without prefix. One consequence of matching PostgreSQL
 * (and RFC 5952 section 5): an address whose first six groups are zero and seventh is not (the deprecated
 * IPv4-compatible range, e.g. "::102:304") is written with a dotted tail, "::1.2.3.4". Every other address,
 * e.g. "64:ff9b::c000:201", is written in hex only.
 *
 * Layout: fast allocation-light recognisers (scanIpv4, scanIpv6) decide; only when they reject do the
 * diagnose* functions work out a message. Addresses are handled as big-endian 16-bit words (two for IPv4,
 * eight for IPv6), which keeps bigint, with its heap allocations, off the hot paths.
 */

export type IpFamily = 4 | 6;

export interface ParsedNetwork {
  /** Canonical text: a host is written without prefix ("10.0.0.1", "2001:db8::1"); a network as "10.0.0.0/8", "2001:db8::/32". IPv6 in RFC 5952 form (lower case, longest run of >=2 zero groups compressed, first on ties, no leading zeros in groups, a single zero group is NOT compressed). This equals PostgreSQL's inet text output. */
  canonical: string;
  family: IpFamily;
  /** Address part in canonical form (network address for networks). */
  address: string;
  /** 32/128 for hosts. */
  prefixLength: number;
  /** The prefix is the full length. */
  isHost: boolean;
  /** True for /0 and other over-broad networks: IPv4 prefix < 8, IPv6 prefix < 32. Callers ask for confirmation. */
  isOverBroad: boolean;
}

export type ParseResult = { ok: true; value: ParsedNetwork } | { ok: false; error: string };

/**
 * Longest accepted input. The longest valid text is 49 characters
 * ("0000:0000:0000:0000:0000:0000:255.255.255.255/128"); rejecting longer text before anything else keeps
 * every later step cheap, whatever is pasted in.
 */
export const MAX_ADDRESS_TEXT_LENGTH = 64;

const FULL_PREFIX: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };
/** Prefixes shorter than these are over-broad (see ParsedNetwork.isOverBroad). */
const BROAD_BELOW: Readonly<Record<IpFamily, number>> = { 4: 8, 6: 32 };
const MAX_VALUE: Readonly<Record<IpFamily, bigint>> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** ::ffff:0:0, the network address of the IPv4-mapped block ::ffff:0:0/96 (see rejectMapped). */
const MAPPED_NETWORK: Words = [0, 0, 0, 0, 0, 0xffff, 0, 0];

/** An address as big-endian 16-bit words: two for IPv4, eight for IPv6. */
type Words = readonly number[];

interface Parts {
  family: IpFamily;
  words: Words;
  prefix: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

/** Accepts a host address or CIDR network in strict form only; on success the canonical text is safe to hand to iptables/ipset/fail2ban. */
export function parseNetwork(text: string): ParseResult {
  const parts = parseParts(text, "network");
  return parts.ok ? { ok: true, value: makeNetwork(parts.value) } : parts;
}

/** Accepts a single address only (a /32 or /128 suffix is allowed); anything wider is rejected with a message. */
export function parseHostAddress(text: string): ParseResult {
  const parts = parseParts(text, "host");
  return parts.ok ? { ok: true, value: makeNetwork(parts.value) } : parts;
}

/** True iff both have the same family and every address of inner lies inside outer. */
export function networkContains(outer: ParsedNetwork, inner: ParsedNetwork): boolean {
  if (outer.family !== inner.family || outer.prefixLength > inner.prefixLength) return false;
  return compareWords(maskWords(wordsOf(inner), outer.prefixLength), wordsOf(outer)) === 0;
}

/** The network of `prefixLength` bits that contains p, in canonical form (p itself when it is that wide or wider). */
export function enclosingNetwork(p: ParsedNetwork, prefixLength: number): ParsedNetwork {
  const prefix = Math.max(0, Math.min(p.prefixLength, prefixLength));
  return makeNetwork({ family: p.family, words: maskWords(wordsOf(p), prefix), prefix });
}

/** Total, deterministic order: IPv4 before IPv6, then by address value, then shorter prefix first. */
export function compareNetworks(a: ParsedNetwork, b: ParsedNetwork): number {
  if (a.family !== b.family) return a.family - b.family;
  return compareWords(wordsOf(a), wordsOf(b)) || a.prefixLength - b.prefixLength;
}

/** The (network) address as an unsigned 32- or 128-bit integer; throws if p.address is not a strict address of p.family. */
export function addressToBigInt(p: ParsedNetwork): bigint {
  let value = 0n;
  for (const word of wordsOf(p)) value = (value << 16n) | BigInt(word);
  return value;
}

/** The (network) address as big-endian 16-bit words: two for IPv4, eight for IPv6 (what lib/net/columns stores). */
export function addressWords(p: ParsedNetwork): readonly number[] {
  return wordsOf(p);
}

/** The network of big-endian 16-bit words and a prefix length; throws unless they form a network parseNetwork accepts (host bits clear, not IPv4-mapped). */
export function networkFromWords(family: IpFamily, words: readonly number[], prefix: number): ParsedNetwork {
  const isShaped =
    (family === 4 || family === 6) &&
    words.length === (family === 4 ? 2 : 8) &&
    words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff) &&
    Number.isInteger(prefix) &&
    prefix >= 0 &&
    prefix <= FULL_PREFIX[family];
  if (!isShaped || compareWords(maskWords(words, prefix), words) !== 0 || rejectMapped(family, words, prefix) !== null) {
    throw new Error(`Not a network: IPv${String(family)} words ${JSON.stringify(words)} / ${String(prefix)}`);
  }
  return makeNetwork({ family, words, prefix });
}

/** Fewest CIDR networks, ascending, exactly covering the inclusive range first..last of two strictly parsed host addresses of one family; throws with the parser's message on bad input. */
export function rangeToCidrs(first: string, last: string): ParsedNetwork[] {
  const start = parseRangeBoundary(first, "start");
  const end = parseRangeBoundary(last, "end");
  if (start.family === 4 && end.family === 4) {
    if (start.value > end.value) throw new Error(`The range start ${first} is after its end ${last}.`);
    return ipv4RangeToCidrs(start.value, end.value);
  }
  if (start.family === 6 && end.family === 6) {
    if (compareWords(start.value, end.value) > 0) throw new Error(`The range start ${first} is after its end ${last}.`);
    return ipv6RangeToCidrs(start.value, end.value);
  }
  throw new Error(`The range ${first} to ${last} mixes IPv4 and IPv6.`);
}

/** rangeToCidrs for integer bounds; throws unless 0 <= first <= last < 2^bits and no resulting network lies inside ::ffff:0:0/96. */
export function rangeToCidrsNumeric(family: IpFamily, first: bigint, last: bigint): ParsedNetwork[] {
  if (family !== 4 && family !== 6) throw new Error(`Unknown address family ${String(family)}.`);
  if (first < 0n || last > MAX_VALUE[family] || first > last) {
    throw new Error(`Invalid IPv${family} range ${first} to ${last}.`);
  }
  if (family === 4) return ipv4RangeToCidrs(Number(first), Number(last));
  return ipv6RangeToCidrs(bigIntToWords(first), bigIntToWords(last));
}

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

type Mode = "network" | "host";

function parseParts(text: string, mode: Mode): Outcome<Parts> {
  // Runtime guard: callers outside TypeScript (JSON bodies, CLI) can hand us anything.
  if (typeof text !== "string") return fail("Enter the IP address as text.");
  if (text.length === 0) {
    return fail(mode === "host" ? "Enter an IP address." : "Enter an IP address or a network such as 192.0.2.0/24.");
  }
  if (text.length > MAX_ADDRESS_TEXT_LENGTH) {
    return fail(
      `This is too long (${text.length} characters) to be an IP address or network; ` +
        `the limit is ${MAX_ADDRESS_TEXT_LENGTH}. Enter one address or network per entry.`,
    );
  }
  // From here on only [0-9a-fA-F.:/] remain, so no later step can meet whitespace, signs or look-alikes.
  for (let i = 0; i < text.length; i++) {
    if (!isAddressChar(text.charCodeAt(i))) return fail(explainCharacters(text));
  }

  const slash = text.indexOf("/");
  if (slash !== text.lastIndexOf("/")) {
    return fail('Only one "/" is allowed: write an address, optionally followed by "/" and a prefix length.');
  }
  const addressText = slash < 0 ? text : text.slice(0, slash);
  if (addressText === "") return fail('The address before "/" is missing, e.g. 192.0.2.0/24.');

  let family: IpFamily;
  let words: Words;
  if (addressText.includes(":")) {
    const v6 = scanIpv6(addressText);
    if (v6 === null) return fail(diagnoseIpv6(addressText));
    family = 6;
    words = v6;
  } else {
    const v4 = scanIpv4(addressText);
    if (v4 < 0) return fail(diagnoseIpv4(addressText));
    family = 4;
    words = [v4 >>> 16, v4 & 0xffff];
  }

  const fullPrefix = FULL_PREFIX[family];
  let prefix = fullPrefix;
  if (slash >= 0) {
    const parsedPrefix = parsePrefix(text.slice(slash + 1), family, () => formatAddress(family, words));
    if (!parsedPrefix.ok) return parsedPrefix;
    prefix = parsedPrefix.value;
  }
  if (mode === "host" && prefix !== fullPrefix) {
    return fail(`Enter a single address, not a network: remove "/${prefix}".`);
  }

  const mappedError = rejectMapped(family, words, prefix);
  if (mappedError !== null) return fail(mappedError);

  const network = maskWords(words, prefix);
  if (compareWords(network, words) !== 0) {
    return fail(
      `Host bits are set in ${formatAddress(family, words)}/${prefix}: ` +
        `did you mean ${formatCanonical(family, network, prefix)}?`,
    );
  }
  return { ok: true, value: { family, words, prefix } };
}

/**
 * Strict IPv4 recogniser: the address as an unsigned 32-bit number, or -1 for anything that is not exactly
 * four decimal octets 0-255 without leading zeros. No allocation and no regex, as it runs twice per range on
 * the GeoIP import path. diagnoseIpv4 explains a -1.
 */
function scanIpv4(s: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a digit after a leading "0"
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/**
 * Strict IPv6 recogniser: eight 16-bit words, or null. Groups are 1-4 hex digits (either case), "::" at most
 * once and standing for at least one zero group, no single leading or trailing colon, and an optional
 * strict IPv4 part only as the very last thing. diagnoseIpv6 explains a null.
 */
function scanIpv6(s: string): number[] | null {
  const n = s.length;
  const words: number[] = [];
  let gapAt = -1; // index in words where "::" stands
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null; // a single leading ":"
    gapAt = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let value = 0;
    for (let digit = hexValue(s.charCodeAt(i)); digit >= 0; digit = hexValue(s.charCodeAt(i))) {
      value = value * 16 + digit;
      i++;
    }
    if (s.charCodeAt(i) === 46) {
      // An IPv4 part runs to the end of the text and takes two words.
      const v4 = scanIpv4(s.slice(start));
      if (v4 < 0 || words.length > 6) return null;
      words.push(v4 >>> 16, v4 & 0xffff);
      break;
    }
    if (i === start || i - start > 4) return null;
    words.push(value);
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return null;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (gapAt >= 0) return null; // a second "::"
      gapAt = words.length;
      i++;
    } else if (i === n) {
      return null; // a single trailing ":"
    }
  }
  if (gapAt < 0) return words.length === 8 ? words : null;
  if (words.length > 7) return null; // "::" must stand for at least one group
  words.splice(gapAt, 0, ...new Array<number>(8 - words.length).fill(0));
  return words;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1; // also for NaN past the end of the string
}

/** The decimal prefix length after "/"; canonicalAddress is only needed for the netmask message. */
function parsePrefix(text: string, family: IpFamily, canonicalAddress: () => string): Outcome<number> {
  const max = FULL_PREFIX[family];
  if (text === "") {
    return fail(
      `The prefix length after "/" is missing: write e.g. /${family === 4 ? 24 : 64}, ` +
        'or leave out the "/" for a single address.',
    );
  }
  if (text.includes(".")) {
    const maskPrefix = family === 4 ? netmaskToPrefix(text) : null;
    return fail(
      maskPrefix === null
        ? `Netmask notation is not accepted: write a prefix length from 0 to ${max} after "/".`
        : `Netmask notation is not accepted: write ${canonicalAddress()}/${maskPrefix} instead of ${canonicalAddress()}/${text}.`,
    );
  }
  if (!isDecimal(text)) return fail(`The prefix length "/${text}" must be a decimal number from 0 to ${max}.`);
  const value = text.length <= 3 ? Number(text) : Infinity;
  if (text.length > 1 && text.startsWith("0")) {
    return fail(
      value <= max
        ? `The prefix length "/${text}" has a leading zero: write /${value}.`
        : `The prefix length "/${text}" has a leading zero and is out of range: IPv${family} allows /0 to /${max}.`,
    );
  }
  if (value > max) return fail(`The prefix length /${text} is out of range: IPv${family} allows /0 to /${max}.`);
  return { ok: true, value };
}

/** Prefix length for a contiguous strict dotted netmask ("255.255.0.0" gives 16), else null. */
function netmaskToPrefix(text: string): number | null {
  const mask = scanIpv4(text);
  if (mask < 0) return null;
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return null; // the ones are not contiguous from the left
  return Math.clz32(inverted);
}

/**
 * Rampart's decision: IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, also written ::ffff:a0a:101) and every
 * network inside ::ffff:0:0/96 are rejected. IPv4 packets always reach the firewall as IPv4, so an
 * ip6tables or ipset rule on a mapped address never matches anything, while other tools (Node's BlockList,
 * some dual-stack sockets) do treat it as the IPv4 address: a ban written that way would look active and
 * block nothing. The user is told the plain IPv4 form to write instead.
 */
function rejectMapped(family: IpFamily, words: Words, prefix: number): string | null {
  if (family !== 6 || prefix < 96 || compareWords(maskWords(words, 96), MAPPED_NETWORK) !== 0) return null;
  const ipv4 = formatIpv4Words(words[6] ?? 0, words[7] ?? 0);
  if (prefix === 128) {
    return `::ffff:${ipv4} is an IPv4-mapped IPv6 address, which ip6tables never matches: write the IPv4 address ${ipv4} instead.`;
  }
  const ipv4Network = maskWords(words.slice(6), prefix - 96);
  return (
    `::ffff:${ipv4}/${prefix} is an IPv4-mapped IPv6 network, which ip6tables never matches: ` +
    `write the IPv4 network ${formatIpv4Words(ipv4Network[0] ?? 0, ipv4Network[1] ?? 0)}/${prefix - 96} instead.`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Messages for rejected text (only run on failure, so they may allocate freely)
// ---------------------------------------------------------------------------------------------------------

function explainCharacters(text: string): string {
  return (
    findInvisibleOrNonAscii(text) ??
    findForeignCharacter(text) ??
    'Only the digits 0-9, the letters a-f, ".", ":" and "/" can appear in an IP address or network.'
  );
}

/** First whitespace, invisible, control or non-ASCII character, explained; null if all are printable ASCII. */
function findInvisibleOrNonAscii(text: string): string | null {
  let position = 0;
  for (const ch of text) {
    position++;
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0x20 && cp < 0x7f) continue;
    const invisible = describeInvisible(cp);
    if (invisible !== null) {
      return `Remove the ${invisible} at position ${position}: an address contains no spaces or invisible characters.`;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return `Remove the control character ${codePointName(cp)} at position ${position}.`;
    }
    // The character itself is not echoed: it could be a combining mark or a bidi control that garbles the message.
    return (
      `The character at position ${position} (${codePointName(cp)}${describeLookalike(cp)}) is not plain ASCII: ` +
      'retype the address using only the digits 0-9, the letters a-f, ".", ":" and "/".'
    );
  }
  return null;
}

function describeInvisible(cp: number): string | null {
  switch (cp) {
    case 0x20:
      return "space";
    case 0x09:
      return "tab";
    case 0x0a:
    case 0x0d:
    case 0x85:
    case 0x2028:
    case 0x2029:
      return "line break";
    case 0xa0:
    case 0x202f:
      return "non-breaking space";
  }
  if (cp === 0x0b || cp === 0x0c || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x205f || cp === 0x3000) {
    return `whitespace character ${codePointName(cp)}`;
  }
  if (
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space and joiners, LRM, RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible operators
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0x00ad || // soft hyphen
    cp === 0x180e || // Mongolian vowel separator
    cp === 0xfeff // zero-width no-break space (BOM)
  ) {
    return `invisible character ${codePointName(cp)}`;
  }
  return null;
}

const LOOKALIKES: ReadonlyMap<number, string> = new Map([
  [0x2236, ":"], [0xfe13, ":"], [0xfe55, ":"], [0xa789, ":"], [0x02d0, ":"], [0x0589, ":"],
  [0x2024, "."], [0x3002, "."], [0xfe52, "."], [0x06d4, "."], [0x00b7, "."], [0x2219, "."],
  [0x2215, "/"], [0x2044, "/"], [0x29f8, "/"],
  [0x2010, "-"], [0x2011, "-"], [0x2012, "-"], [0x2013, "-"], [0x2014, "-"], [0x2212, "-"],
]);

function describeLookalike(cp: number): string {
  // Fullwidth forms U+FF01-U+FF5E mirror ASCII U+0021-U+007E.
  const ascii = cp >= 0xff01 && cp <= 0xff5e ? String.fromCharCode(cp - 0xfee0) : LOOKALIKES.get(cp);
  if (ascii !== undefined) return `, which looks like "${ascii}"`;
  return /\p{Nd}/u.test(String.fromCodePoint(cp)) ? ", a non-ASCII digit" : "";
}

function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Explains the first printable ASCII character outside [0-9a-fA-F.:/]; null if there is none. */
function findForeignCharacter(text: string): string | null {
  let foreign = -1;
  for (let i = 0; i < text.length && foreign < 0; i++) {
    if (!isAddressChar(text.charCodeAt(i))) foreign = i;
  }
  if (foreign < 0) return null;
  const slash = text.indexOf("/");
  const lower = text.toLowerCase();

  if (lower.includes("://")) return 'URLs are not accepted: enter only the IP address or network, without "http://" or a path.';
  if (text.includes("[") || text.includes("]")) {
    return "Remove the brackets (and any port): write the IPv6 address on its own, e.g. 2001:db8::1.";
  }
  if (text.includes("%")) return 'Zone ids such as "%eth0" are not accepted: remove the "%" and everything after it.';
  if (text.includes("*")) {
    return "Wildcards are not accepted: write a network in CIDR form instead, e.g. 10.0.0.0/24 for 10.0.0.*.";
  }
  // Letters other than a-f: a prefix typo, hex notation, a host name, or (after a colon) an IPv6 typo.
  const addressPart = slash < 0 ? text : text.slice(0, slash);
  const hasNonHexLetter = (part: string): boolean =>
    [...part].some((ch) => isLetter(ch.charCodeAt(0)) && hexValue(ch.charCodeAt(0)) < 0);
  if (hasNonHexLetter(text)) {
    if (!hasNonHexLetter(addressPart)) {
      return `The prefix length after "/" must be a decimal number, e.g. /${text.includes(":") ? 64 : 24}.`;
    }
    if (/0x/i.test(addressPart)) {
      return addressPart.includes(":")
        ? 'Write IPv6 groups without the "0x" prefix, e.g. 2001:db8::1.'
        : 'Hexadecimal notation ("0x...") is not accepted: write IPv4 octets in decimal, e.g. 10.0.0.1.';
    }
    // "localhost", "pbx-01.lan", "example.com:80": a non-hex letter before any colon.
    const colon = text.indexOf(":");
    if (colon < 0 || hasNonHexLetter(text.slice(0, colon))) {
      return `"${text}" looks like a host name: Rampart never resolves names, enter an IP address instead.`;
    }
  }

  const dash = text.indexOf("-");
  if (dash >= 0 && !text.includes("+")) {
    // "a-b" between an address's last digit and the next address's start is a range; anywhere else a sign.
    const next = text.charCodeAt(dash + 1);
    const isRange =
      isAlphanumeric(text.charCodeAt(dash - 1)) && (isAlphanumeric(next) || next === 58) && (slash < 0 || slash > dash);
    if (isRange) {
      return "Ranges are not accepted here: enter a network in CIDR form, e.g. 192.0.2.0/24, or one address per entry.";
    }
  }
  if (dash >= 0 || text.includes("+")) return 'Signs ("+", "-") are not allowed in an address or prefix length.';
  if (text.includes(",") || text.includes(";")) return "Enter one address or network per entry, without commas or semicolons.";
  const foreignCode = text.charCodeAt(foreign);
  if (isLetter(foreignCode)) return `"${text[foreign]}" is not a hex digit: IPv6 groups use only 0-9 and a-f.`;
  return `The character "${text[foreign]}" cannot appear in an IP address or network.`;
}

/** Explains why scanIpv4 rejected s (s holds only [0-9a-fA-F.]). */
function diagnoseIpv4(s: string): string {
  if (isLetter(s.charCodeAt(0))) {
    return `"${s}" looks like a host name: Rampart never resolves names, enter an IP address instead.`;
  }
  const parts = s.split(".");
  if (parts.length === 1) {
    if (isDecimal(s)) {
      const meaning = s.length <= 10 && Number(s) <= 0xffffffff ? ` (tools would read this one as ${formatIpv4(Number(s))})` : "";
      return `Integer addresses such as "${s}" are not accepted${meaning}: write four decimal octets, e.g. 192.0.2.1.`;
    }
    return `"${s}" is not an IP address: IPv4 is written as four decimal octets (192.0.2.1), IPv6 contains ":" (2001:db8::1).`;
  }
  if (s.startsWith(".")) return "An IPv4 address cannot start with a dot.";
  if (s.endsWith(".")) return "An IPv4 address cannot end with a dot.";
  if (parts.includes("")) return "Two dots in a row leave an empty octet: separate the four octets with single dots.";
  const notDecimal = parts.find((part) => !isDecimal(part));
  if (notDecimal !== undefined) {
    return `Octet "${notDecimal}" is not a decimal number: IPv4 octets are written with the digits 0-9 only.`;
  }
  if (parts.length > 4) return `"${s}" has ${parts.length} parts: an IPv4 address has exactly four octets.`;
  if (parts.length < 4) {
    const meaning = describeShorthand(parts);
    return (
      `Shorthand "${s}" is not accepted${meaning === null ? "" : ` (tools would read it as ${meaning})`}: ` +
      "write all four octets, e.g. 192.0.2.1."
    );
  }
  for (const part of parts) {
    if (part.length > 1 && part.startsWith("0")) {
      const octal = /^[0-7]+$/.test(part) ? ` (iptables would read it as octal, i.e. ${parseInt(part, 8)})` : "";
      return `Octet "${part}" has a leading zero${octal}: write it without leading zeros.`;
    }
    if (Number(part) > 255) return `Octet "${part}" is larger than 255.`;
  }
  return `"${s}" is not a valid IPv4 address.`; // not reached: every scanIpv4 rejection is explained above
}

/** What inet_aton makes of "a.b" / "a.b.c" (decimal parts only), to show why shorthand is dangerous. */
function describeShorthand(parts: string[]): string | null {
  const [a = 0, b = 0, c = 0] = parts.map(Number);
  if (parts.length === 2 && a <= 255 && b <= 0xffffff) return formatIpv4(a * 2 ** 24 + b);
  if (parts.length === 3 && a <= 255 && b <= 255 && c <= 0xffff) return formatIpv4(a * 2 ** 24 + b * 2 ** 16 + c);
  return null;
}

/** Explains why scanIpv6 rejected s (s holds only [0-9a-fA-F.:] and at least one ":"). */
function diagnoseIpv6(s: string): string {
  // "1.2.3.4:5060": a dotted part before the only colon cannot be IPv6 (an IPv4 part must come last).
  const colon = s.indexOf(":");
  const dot = s.indexOf(".");
  if (dot >= 0 && dot < colon && colon === s.lastIndexOf(":")) {
    const host = s.slice(0, colon);
    return scanIpv4(host) >= 0
      ? `Ports are not accepted: write ${host} without "${s.slice(colon)}".`
      : `Ports are not accepted: remove "${s.slice(colon)}" and enter the address alone.`;
  }
  if (s.includes(":::")) return '":::" is not valid: "::" (two colons) stands for a run of zero groups.';
  const gap = s.indexOf("::");
  if (gap >= 0 && s.indexOf("::", gap + 2) >= 0) return '"::" may appear only once in an IPv6 address.';
  if (s.startsWith(":") && gap !== 0) return 'An IPv6 address cannot start with a single ":": write "::" for leading zero groups.';
  if (s.endsWith(":") && gap !== s.length - 2) {
    return 'An IPv6 address cannot end with a single ":": write "::" for trailing zero groups.';
  }
  const groups = s.split(/::?/).filter((group) => group !== ""); // no backtracking risk: fixed-length alternatives
  let count = 0;
  for (const [index, group] of groups.entries()) {
    if (group.includes(".")) {
      if (index !== groups.length - 1 || s.endsWith(":")) {
        return `The IPv4 part "${group}" may only appear at the end of an IPv6 address.`;
      }
      if (scanIpv4(group) < 0) return `In the IPv4 part "${group}" of this IPv6 address: ${diagnoseIpv4(group)}`;
      count += 2;
    } else if (group.length > 4) {
      return `Group "${group}" has more than 4 hex digits: each IPv6 group is 1 to 4 hex digits.`;
    } else {
      count += 1;
    }
  }
  if (gap < 0 && count < 8) {
    return `Only ${count} groups: an IPv6 address has 8; use "::" to stand for a run of zero groups, e.g. 2001:db8::1.`;
  }
  if (gap < 0) return `Too many groups (${count}): an IPv6 address has 8.`;
  if (count > 7) return 'Too many groups: an IPv6 address has 8, and "::" must stand for at least one of them.';
  return `"${s}" is not a valid IPv6 address.`; // not reached: every scanIpv6 rejection is explained above
}

function isAddressChar(c: number): boolean {
  return (c >= 48 && c <= 58) /* 0-9 and ":" */ || c === 46 || c === 47 || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isAlphanumeric(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}
function isDecimal(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Building, formatting, word arithmetic
// ---------------------------------------------------------------------------------------------------------

/**
 * IPv6 words of networks already looked at, so sorting and containment do not re-parse their text. Filled
 * lazily: at ~1M networks per GeoIP import, an entry per network built costs more than it saves. IPv4 is
 * not cached at all, as scanning its text is as cheap as a look-up. A WeakMap rather than a hidden field
 * keeps ParsedNetwork a plain object (React server components refuse anything else).
 */
const ipv6WordCache = new WeakMap<ParsedNetwork, Words>();

function makeNetwork({ family, words, prefix }: Parts): ParsedNetwork {
  const address = formatAddress(family, words);
  const isHost = prefix === FULL_PREFIX[family];
  // Frozen: a validated canonical text must not be edited on its way to iptables.
  return Object.freeze({
    canonical: isHost ? address : `${address}/${prefix}`,
    family,
    address,
    prefixLength: prefix,
    isHost,
    isOverBroad: prefix < BROAD_BELOW[family],
  });
}

/** The address words of p, re-derived strictly from p.address: objects from elsewhere (copies, JSON) are never trusted. */
function wordsOf(p: ParsedNetwork): Words {
  const family = p.family;
  const prefixIsValid = Number.isInteger(p.prefixLength) && p.prefixLength >= 0 && p.prefixLength <= FULL_PREFIX[family];
  if (family === 4 && prefixIsValid && typeof p.address === "string") {
    const v4 = scanIpv4(p.address);
    if (v4 >= 0) return [v4 >>> 16, v4 & 0xffff];
  } else if (family === 6 && prefixIsValid) {
    const cached = ipv6WordCache.get(p);
    if (cached !== undefined) return cached;
    const parsed = parseParts(p.address, "host");
    if (parsed.ok && parsed.value.family === 6) {
      ipv6WordCache.set(p, parsed.value.words);
      return parsed.value.words;
    }
  }
  throw new Error(`Not a parsed network: ${JSON.stringify(p)}`);
}

function formatCanonical(family: IpFamily, words: Words, prefix: number): string {
  const address = formatAddress(family, words);
  return prefix === FULL_PREFIX[family] ? address : `${address}/${prefix}`;
}

function formatAddress(family: IpFamily, words: Words): string {
  return family === 4 ? formatIpv4Words(words[0] ?? 0, words[1] ?? 0) : formatIpv6(words);
}

function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function formatIpv4Words(high: number, low: number): string {
  return `${high >>> 8}.${high & 255}.${low >>> 8}.${low & 255}`;
}

/** PostgreSQL's inet_net_ntop_ipv6 (= BIND/libuv inet_ntop6), so canonical text equals the database's. */
function formatIpv6(words: Words): string {
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (words[i] !== 0) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = i;
    if (i - runStart + 1 > bestLength) {
      bestStart = runStart;
      bestLength = i - runStart + 1;
    }
  }
  if (bestLength < 2) bestStart = -1; // RFC 5952 4.2.2: a single zero group is not compressed

  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) keep a dotted tail, as in PostgreSQL.
  // Mapped addresses never get here (rejectMapped); the branch is kept so the function stays PostgreSQL's.
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff))) {
    const tail = formatIpv4Words(words[6] ?? 0, words[7] ?? 0);
    return bestLength === 6 ? `::${tail}` : `::ffff:${tail}`;
  }

  let text = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += "::";
      i += bestLength - 1;
    } else {
      if (text !== "" && !text.endsWith(":")) text += ":";
      text += (words[i] ?? 0).toString(16);
    }
  }
  return text;
}

/** The words with every bit after the first prefix bits cleared. */
function maskWords(words: Words, prefix: number): number[] {
  return words.map((word, i) => {
    const keep = prefix - i * 16;
    return keep >= 16 ? word : keep <= 0 ? 0 : word & (0xffff << (16 - keep)) & 0xffff;
  });
}

function compareWords(a: Words, b: Words): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function bigIntToWords(value: bigint): number[] {
  const words: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) words.push(Number((value >> shift) & 0xffffn));
  return words;
}

// ---------------------------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------------------------

type Boundary = { family: 4; value: number } | { family: 6; value: Words };

function parseRangeBoundary(text: string, which: "start" | "end"): Boundary {
  // Fast path for plain dotted IPv4 (most GeoIP rows): the same strict recogniser parseParts uses.
  const v4 = typeof text === "string" ? scanIpv4(text) : -1;
  if (v4 >= 0) return { family: 4, value: v4 };
  const parsed = parseParts(text, "host");
  if (!parsed.ok) throw new Error(`Invalid range ${which} ${JSON.stringify(text)}: ${parsed.error}`);
  const { family, words } = parsed.value;
  return family === 4 ? { family, value: (words[0] ?? 0) * 0x10000 + (words[1] ?? 0) } : { family, value: words };
}

/** IPv4 in plain numbers (exact far beyond 2^32), several times faster than bigint over ~1M GeoIP rows. */
function ipv4RangeToCidrs(first: number, last: number): ParsedNetwork[] {
  const out: ParsedNetwork[] = [];
  let current = first;
  while (current <= last) {
    // x & -x isolates the lowest set bit; ToInt32's wrap-around keeps that right for values >= 2^31.
    const alignBits = current === 0 ? 32 : 31 - Math.clz32(current & -current);
    const remaining = last - current + 1; // up to 2^32, one more than uint32 holds
    const fitBits = remaining >= 0x100000000 ? 32 : 31 - Math.clz32(remaining);
    const sizeBits = Math.min(alignBits, fitBits);
    out.push(makeNetwork({ family: 4, words: [current >>> 16, current & 0xffff], prefix: 32 - sizeBits }));
    current += 2 ** sizeBits;
  }
  return out;
}

/** IPv6 on eight 16-bit words; first <= last is checked by the callers. */
function ipv6RangeToCidrs(first: Words, last: Words): ParsedNetwork[] {
  const out: ParsedNetwork[] = [];
  const current = [...first];
  for (;;) {
    const sizeBits = Math.min(trailingZeroBits(current), floorLog2OfCount(current, last));
    if (sizeBits <= 32 && rejectMapped(6, current, 128 - sizeBits) !== null) {
      // A network inside ::ffff:0:0/96, which parseNetwork rejects (see rejectMapped). Wider blocks such as
      // ::/0 merely contain the mapped block and are fine.
      throw new Error("The IPv6 range covers part of the IPv4-mapped block ::ffff:0:0/96: use the IPv4 range instead.");
    }
    out.push(makeNetwork({ family: 6, words: [...current], prefix: 128 - sizeBits }));
    // Step past the block; stop on wrapping past ::ffff...ffff or once past last.
    if (!addPowerOfTwo(current, sizeBits) || compareWords(current, last) > 0) return out;
  }
}

/** Number of trailing zero bits of a 128-bit value (128 for zero): the largest block current can start. */
function trailingZeroBits(words: Words): number {
  for (let i = 7; i >= 0; i--) {
    const word = words[i] ?? 0;
    if (word !== 0) return (7 - i) * 16 + 31 - Math.clz32(word & -word);
  }
  return 128;
}

/** floor(log2(last - current + 1)) for current <= last: the largest block that still fits. */
function floorLog2OfCount(current: Words, last: Words): number {
  const count = new Array<number>(8);
  let borrow = 0;
  for (let i = 7; i >= 0; i--) {
    const word = (last[i] ?? 0) - (current[i] ?? 0) - borrow;
    borrow = word < 0 ? 1 : 0;
    count[i] = word + borrow * 0x10000;
  }
  let i = 7; // count += 1
  while (i >= 0 && count[i] === 0xffff) count[i--] = 0;
  if (i < 0) return 128; // last - current + 1 is 2^128: the whole address space
  count[i] = (count[i] ?? 0) + 1;
  for (let j = 0; j < 8; j++) {
    const word = count[j] ?? 0;
    if (word !== 0) return (7 - j) * 16 + 31 - Math.clz32(word);
  }
  return 0; // not reached: the count is at least 1
}

/** words += 2^bits in place; false if the sum wraps past 2^128 - 1. */
function addPowerOfTwo(words: number[], bits: number): boolean {
  if (bits >= 128) return false;
  let i = 7 - (bits >> 4);
  let sum = (words[i] ?? 0) + (1 << (bits & 15));
  while (sum > 0xffff) {
    words[i] = sum & 0xffff;
    if (--i < 0) return false;
    sum = (words[i] ?? 0) + 1;
  }
  words[i] = sum;
  return true;
}
