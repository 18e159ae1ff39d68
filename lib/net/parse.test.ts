import net from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import badFixture from "./fixtures/bad-addresses.json";
import goodFixture from "./fixtures/good-addresses.json";
import {
  enclosingNetwork,
  addressToBigInt,
  compareNetworks,
  MAX_ADDRESS_TEXT_LENGTH,
  networkContains,
  parseHostAddress,
  parseNetwork,
  rangeToCidrs,
  rangeToCidrsNumeric,
  type IpFamily,
  type ParsedNetwork,
} from "./parse";

// good-addresses.json: [input, canonical]. The canonical column was produced by PostgreSQL's inet output
// (PGlite), not by this parser, so it is an independent oracle for the RFC 5952 / PostgreSQL text form.
const goodCases = goodFixture as [string, string][];
// bad-addresses.json: groups of inputs, each with a fragment the rejection message must contain.
const badGroups = badFixture.groups;
const badInputs = badGroups.flatMap((group) => group.inputs);

/** Parses text that the test knows to be valid; fails the test otherwise. */
function mustParse(text: string): ParsedNetwork {
  const result = parseNetwork(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error}`);
  return result.value;
}

function errorOf(text: string): string {
  const result = parseNetwork(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${result.value.canonical}`);
  return result.error;
}

describe("fixture tables", () => {
  it("hold at least 300 distinct bad and 150 distinct good inputs", () => {
    expect(new Set(badInputs).size).toBe(badInputs.length);
    expect(badInputs.length).toBeGreaterThanOrEqual(300);
    expect(new Set(goodCases.map(([input]) => input)).size).toBe(goodCases.length);
    expect(goodCases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(goodCases)("accepts %j as %s", (input, canonical) => {
    const value = mustParse(input);
    expect(value.canonical).toBe(canonical);
    expect(value.family).toBe(canonical.includes(":") ? 6 : 4);
    expect(value.canonical.startsWith(value.address)).toBe(true);
    // Canonical text is a fixed point of the parser.
    expect(mustParse(canonical)).toEqual(value);
  });

  for (const group of badGroups) {
    it.each(group.inputs)(`rejects ${group.rule}: %j`, (input) => {
      expect(errorOf(input).toLowerCase()).toContain(group.expect.toLowerCase());
    });
  }
});

describe("parseNetwork", () => {
  it("fills every field", () => {
    expect(mustParse("10.0.0.0/8")).toEqual({
      canonical: "10.0.0.0/8",
      family: 4,
      address: "10.0.0.0",
      prefixLength: 8,
      isHost: false,
      isOverBroad: false,
    });
    expect(mustParse("2001:DB8:0:0:0:0:0:1/128")).toEqual({
      canonical: "2001:db8::1",
      family: 6,
      address: "2001:db8::1",
      prefixLength: 128,
      isHost: true,
      isOverBroad: false,
    });
  });

  it.each([
    ["0.0.0.0/0", true],
    ["0.0.0.0/7", true],
    ["0.0.0.0/8", false],
    ["128.0.0.0/1", true],
    ["10.0.0.0/8", false],
    ["::/0", true],
    ["2000::/3", true],
    ["2001:db8::/31", true],
    ["2001:db8::/32", false],
    ["::1", false],
  ])("flags %s as over-broad: %s", (text, isOverBroad) => {
    expect(mustParse(text).isOverBroad).toBe(isOverBroad);
  });

  it.each([
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // longest run, first on ties
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group is not compressed
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"], // the longer run wins over the first
    ["1:0:0:1:0:0:1:1", "1::1:0:0:1:1"],
    ["2001:DB8::AbCd", "2001:db8::abcd"],
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
    ["::102:304", "::1.2.3.4"], // IPv4-compatible: dotted tail, as PostgreSQL prints it
    ["::ffff:0", "::255.255.0.0"],
    ["::2", "::2"],
  ])("writes %s in RFC 5952 / PostgreSQL form as %s", (input, canonical) => {
    expect(mustParse(input).canonical).toBe(canonical);
  });

  it.each([
    ["10.0.0.1/8", "Host bits are set in 10.0.0.1/8: did you mean 10.0.0.0/8?"],
    ["192.168.1.77/24", "Host bits are set in 192.168.1.77/24: did you mean 192.168.1.0/24?"],
    ["255.255.255.255/0", "Host bits are set in 255.255.255.255/0: did you mean 0.0.0.0/0?"],
    ["2001:DB8::1/32", "Host bits are set in 2001:db8::1/32: did you mean 2001:db8::/32?"],
    ["fe80::1:2/112", "Host bits are set in fe80::1:2/112: did you mean fe80::1:0/112?"],
  ])("offers the network for host bits in %s", (input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it("tells the user the plain IPv4 form of a mapped address", () => {
    expect(errorOf("::ffff:10.0.0.1")).toBe(
      "::ffff:10.0.0.1 is an IPv4-mapped IPv6 address, which ip6tables never matches: write the IPv4 address 10.0.0.1 instead.",
    );
    expect(errorOf("::ffff:a0a:101")).toContain("write the IPv4 address 10.10.1.1 instead");
    expect(errorOf("::ffff:10.1.2.0/104")).toContain("write the IPv4 network 10.0.0.0/8 instead");
  });

  it("explains dangerous IPv4 spellings with what the tools would make of them", () => {
    expect(errorOf("010.1.1.1")).toContain("octal, i.e. 8");
    expect(errorOf("10.1")).toContain("10.0.0.1");
    expect(errorOf("167772161")).toContain("10.0.0.1");
    expect(errorOf("10.0.0.0/255.255.0.0")).toBe(
      "Netmask notation is not accepted: write 10.0.0.0/16 instead of 10.0.0.0/255.255.0.0.",
    );
    expect(errorOf("10.0.0.0/08")).toContain("write /8");
    expect(errorOf("1.2.3.4:5060")).toBe('Ports are not accepted: write 1.2.3.4 without ":5060".');
  });

  it("names invisible and look-alike characters by code point and position", () => {
    expect(errorOf("1.2.3.4\u200b")).toBe(
      "Remove the invisible character U+200B at position 8: an address contains no spaces or invisible characters.",
    );
    expect(errorOf("\uff11.1.1.1")).toContain('U+FF11, which looks like "1"');
    expect(errorOf("\u0661.1.1.1")).toContain("a non-ASCII digit");
    // A right-to-left override is never echoed back into the message.
    expect(errorOf("1.1\u202e.1.1")).not.toContain("\u202e");
  });

  it("rejects over-long input before looking at it", () => {
    expect(MAX_ADDRESS_TEXT_LENGTH).toBe(64);
    expect(parseNetwork("1".repeat(64)).ok).toBe(false); // rejected, but for being an integer
    expect(errorOf("1".repeat(64))).not.toContain("too long");
    const huge = ["1.".repeat(500_000), ":".repeat(1_000_000), "\u200b".repeat(1_000_000)];
    const started = performance.now();
    for (const text of huge) expect(errorOf(text)).toContain("too long");
    expect(performance.now() - started).toBeLessThan(50); // constant time, not a scan of the text
  });

  it("returns an error, never throws, for arbitrary text and for non-strings at runtime", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseNetwork(text);
        return result.ok || result.error.length > 0;
      }),
      { numRuns: 1000 },
    );
    for (const value of [undefined, null, 42, {}, ["1.1.1.1"]]) {
      expect(parseNetwork(value as unknown as string)).toEqual({ ok: false, error: "Enter the IP address as text." });
    }
  });

  it("returns frozen values", () => {
    const value = mustParse("10.0.0.0/8");
    expect(Object.isFrozen(value)).toBe(true);
  });
});

describe("parseHostAddress", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    ["10.0.0.1/32", "10.0.0.1"],
    ["0.0.0.0", "0.0.0.0"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["::", "::"],
  ])("accepts %s as %s", (input, canonical) => {
    const result = parseHostAddress(input);
    expect(result.ok && result.value.canonical).toBe(canonical);
  });

  it.each([
    ["10.0.0.0/8", 'Enter a single address, not a network: remove "/8".'],
    ["10.0.0.1/8", 'Enter a single address, not a network: remove "/8".'],
    ["0.0.0.0/0", 'Enter a single address, not a network: remove "/0".'],
    ["2001:db8::/64", 'Enter a single address, not a network: remove "/64".'],
    ["", "Enter an IP address."],
  ])("rejects %j", (input, message) => {
    expect(parseHostAddress(input)).toEqual({ ok: false, error: message });
  });

  it("applies every parseNetwork rule", () => {
    for (const input of badInputs) expect(parseHostAddress(input).ok).toBe(false);
  });
});

describe("networkContains", () => {
  it.each([
    ["10.0.0.0/8", "10.1.2.3", true],
    ["10.0.0.0/8", "10.0.0.0/8", true],
    ["10.0.0.0/8", "10.128.0.0/9", true],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["10.0.0.0/8", "0.0.0.0/0", false],
    ["10.0.0.1", "10.0.0.1", true],
    ["10.0.0.1", "10.0.0.2", false],
    ["0.0.0.0/0", "255.255.255.255", true],
    ["0.0.0.0/0", "::", false], // families never mix
    ["::/0", "0.0.0.0", false],
    ["::/0", "2001:db8::1", true],
    ["2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true],
    ["2001:db8::/32", "2001:db9::", false],
    ["2001:db8::/33", "2001:db8:8000::", false],
    ["2001:db8::/33", "2001:db8:7fff::/48", true],
    ["::1.2.3.0/120", "::1.2.3.4", true],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(networkContains(mustParse(outer), mustParse(inner))).toBe(expected);
  });

  it("works on plain copies and rejects tampered objects", () => {
    const copy = { ...mustParse("10.0.0.0/8") };
    expect(networkContains(copy, JSON.parse(JSON.stringify(mustParse("10.9.9.9"))) as ParsedNetwork)).toBe(true);
    expect(() => networkContains({ ...copy, address: "010.0.0.0" }, copy)).toThrow(/Not a parsed network/);
    expect(() => addressToBigInt({ ...mustParse("::1"), address: "::ffff:1.2.3.4" })).toThrow(/Not a parsed network/);
    expect(() => addressToBigInt({ ...mustParse("::1"), family: 4 })).toThrow(/Not a parsed network/);
  });
});

describe("enclosingNetwork", () => {
  it.each([
    ["2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", 64, "2001:db8:1:2::/64"],
    ["2001:db8::/32", 64, "2001:db8::/32"],
    ["fe80::1", 10, "fe80::/10"],
    ["192.0.2.77", 32, "192.0.2.77"],
    ["192.0.2.77", 24, "192.0.2.0/24"],
    ["::1", 128, "::1"],
  ])("%s in /%i is %s", (address, prefix, expected) => {
    expect(enclosingNetwork(mustParse(address), prefix).canonical).toBe(expected);
  });

  it("contains the address it was made from, always", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (text, prefix) => {
        const parsed = parseHostAddress(text);
        if (!parsed.ok) return;
        expect(networkContains(enclosingNetwork(parsed.value, prefix), parsed.value)).toBe(true);
      }),
    );
  });
});

describe("compareNetworks", () => {
  it("orders by family, then address bytes, then prefix", () => {
    const sorted = [
      "0.0.0.0/0",
      "0.0.0.0/8",
      "0.0.0.0",
      "9.255.255.255",
      "10.0.0.0/8",
      "10.0.0.0/16",
      "10.0.0.0",
      "10.0.0.1",
      "255.255.255.255",
      "::/0",
      "::",
      "::1",
      "::1.2.3.4",
      "1::",
      "2001:db8::/32",
      "2001:db8::/64",
      "2001:db8::1",
      "ffff::/16",
    ].map(mustParse);
    const shuffled = [...sorted].reverse();
    shuffled.push(shuffled.shift() as ParsedNetwork);
    expect(shuffled.sort(compareNetworks).map((n) => n.canonical)).toEqual(sorted.map((n) => n.canonical));
  });

  it("is a consistent total order", () => {
    const network = fc.oneof(arbitraryIpv4Network(), arbitraryIpv6Network()).map(({ text }) => mustParse(text));
    fc.assert(
      fc.property(network, network, network, (a, b, c) => {
        expect(Math.sign(compareNetworks(a, b)) + Math.sign(compareNetworks(b, a))).toBe(0);
        expect(compareNetworks(a, b) === 0).toBe(a.canonical === b.canonical);
        if (compareNetworks(a, b) <= 0 && compareNetworks(b, c) <= 0) expect(compareNetworks(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe("addressToBigInt", () => {
  it.each([
    ["0.0.0.0", 0n],
    ["10.0.0.0/8", 0x0a000000n],
    ["255.255.255.255", 0xffffffffn],
    ["::", 0n],
    ["::1", 1n],
    ["2001:db8::/32", 0x20010db8n << 96n],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", (1n << 128n) - 1n],
  ])("%s is %s", (text, value) => {
    expect(addressToBigInt(mustParse(text))).toBe(value);
  });
});

describe("rangeToCidrs", () => {
  const canonicals = (networks: ParsedNetwork[]): string[] => networks.map((n) => n.canonical);

  it.each([
    ["1.0.0.0", "1.0.0.255", ["1.0.0.0/24"]],
    ["1.0.1.0", "1.0.3.255", ["1.0.1.0/24", "1.0.2.0/23"]],
    ["0.0.0.0", "255.255.255.255", ["0.0.0.0/0"]],
    ["10.0.0.1", "10.0.0.1", ["10.0.0.1"]],
    ["255.255.255.255", "255.255.255.255", ["255.255.255.255"]],
    ["0.0.0.0", "0.0.0.0", ["0.0.0.0"]],
    ["10.0.0.1", "10.0.0.6", ["10.0.0.1", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6"]],
    ["0.0.0.1", "255.255.255.254", [
      "0.0.0.1", "0.0.0.2/31", "0.0.0.4/30", "0.0.0.8/29", "0.0.0.16/28", "0.0.0.32/27", "0.0.0.64/26",
      "0.0.0.128/25", "0.0.1.0/24", "0.0.2.0/23", "0.0.4.0/22", "0.0.8.0/21", "0.0.16.0/20", "0.0.32.0/19",
      "0.0.64.0/18", "0.0.128.0/17", "0.1.0.0/16", "0.2.0.0/15", "0.4.0.0/14", "0.8.0.0/13", "0.16.0.0/12",
      "0.32.0.0/11", "0.64.0.0/10", "0.128.0.0/9", "1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5",
      "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5",
      "248.0.0.0/6", "252.0.0.0/7", "254.0.0.0/8", "255.0.0.0/9", "255.128.0.0/10", "255.192.0.0/11",
      "255.224.0.0/12", "255.240.0.0/13", "255.248.0.0/14", "255.252.0.0/15", "255.254.0.0/16", "255.255.0.0/17",
      "255.255.128.0/18", "255.255.192.0/19", "255.255.224.0/20", "255.255.240.0/21", "255.255.248.0/22",
      "255.255.252.0/23", "255.255.254.0/24", "255.255.255.0/25", "255.255.255.128/26", "255.255.255.192/27",
      "255.255.255.224/28", "255.255.255.240/29", "255.255.255.248/30", "255.255.255.252/31", "255.255.255.254",
    ]],
    ["10.0.0.0/32", "10.0.0.3/32", ["10.0.0.0/30"]],
    ["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["::/0"]],
    ["2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", ["2001:db8::/32"]],
    ["2001:DB8::1", "2001:db8::2", ["2001:db8::1", "2001:db8::2"]],
    ["2001:200::", "2001:218:2000:51:ffff:ffff:ffff:ffff", [
      "2001:200::/28", "2001:210::/29", "2001:218::/35", "2001:218:2000::/58", "2001:218:2000:40::/60",
      "2001:218:2000:50::/63",
    ]],
    ["::", "::1", ["::/127"]],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]],
    ["8000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["8000::/1"]],
    ["::1:0:0:0", "::1:ffff:ffff:ffff", ["::1:0:0:0/80"]],
  ])("covers %s to %s", (first, last, expected) => {
    expect(canonicals(rangeToCidrs(first, last))).toEqual(expected);
  });

  it.each([
    ["010.0.0.0", "10.0.0.255", /Invalid range start "010.0.0.0": Octet "010" has a leading zero/],
    ["10.0.0.0", "10.0.0.256", /Invalid range end "10.0.0.256": Octet "256" is larger than 255/],
    ["10.0.0.0", " 10.0.0.255", /Invalid range end .*space/],
    ["10.0.0.0/8", "10.255.255.255", /single address/],
    ["10.0.0.1", "10.0.0.0", /is after its end/],
    ["10.0.0.0", "::1", /mixes IPv4 and IPv6/],
    ["2001:db8::2", "2001:db8::1", /is after its end/],
    ["::fffe:ffff:ffff", "::1:0:0:0", /IPv4-mapped/], // would yield ::ffff:0:0/96
    ["::ffff:0:0", "::ffff:0:ff", /IPv4-mapped/],
    ["localhost", "10.0.0.1", /host name/],
  ])("throws for %j to %j", (first, last, message) => {
    expect(() => rangeToCidrs(first, last)).toThrow(message);
  });

  it("numeric bounds are checked", () => {
    expect(canonicals(rangeToCidrsNumeric(4, 0n, 0xffffffffn))).toEqual(["0.0.0.0/0"]);
    expect(canonicals(rangeToCidrsNumeric(6, 1n, 1n))).toEqual(["::1"]);
    expect(() => rangeToCidrsNumeric(4, 0n, 1n << 32n)).toThrow(/Invalid IPv4 range/);
    expect(() => rangeToCidrsNumeric(6, -1n, 1n)).toThrow(/Invalid IPv6 range/);
    expect(() => rangeToCidrsNumeric(6, 5n, 4n)).toThrow(/Invalid IPv6 range/);
    expect(() => rangeToCidrsNumeric(5 as IpFamily, 0n, 1n)).toThrow(/Unknown address family/);
  });

  it("matches a straightforward reference and covers the range exactly (random ranges)", () => {
    // A fifth of the ranges end anywhere, the rest close to their start (few, small blocks: the GeoIP shape).
    const rangeOf = (family: IpFamily): fc.Arbitrary<{ family: IpFamily; first: bigint; last: bigint }> =>
      fc
        .tuple(arbitraryValue(family), arbitraryValue(family), fc.bigInt({ min: 0n, max: 1n << 40n }), fc.nat(4))
        .map(([a, b, delta, shape]) => {
          const isNear = shape !== 0;
          const max = (1n << BigInt(bitsOf(family))) - 1n;
          const [first, last] = isNear ? [a, a + delta > max ? max : a + delta] : a <= b ? [a, b] : [b, a];
          return { family, first, last };
        });
    fc.assert(
      fc.property(fc.oneof(rangeOf(4), rangeOf(6)), ({ family, first, last }) => {
        const expected = referenceRangeToCidrs(family, first, last);
        if (expected.some(([value, prefix]) => family === 6 && prefix >= 96 && isMapped(value))) {
          expect(() => rangeToCidrsNumeric(family, first, last)).toThrow(/IPv4-mapped/);
          return;
        }
        const networks = rangeToCidrsNumeric(family, first, last);
        expect(networks.map((n): [bigint, number] => [addressToBigInt(n), n.prefixLength])).toEqual(expected);
        let next = first;
        for (const network of networks) {
          expect(mustParse(network.canonical)).toEqual(network); // aligned, canonical, not mapped
          expect(addressToBigInt(network)).toBe(next);
          next += 1n << BigInt(bitsOf(family) - network.prefixLength);
        }
        expect(next).toBe(last + 1n);
        // The text interface agrees with the numeric one.
        const text = (value: bigint): string => mustParse(formatForNode(family, value)).canonical;
        expect(rangeToCidrs(text(first), text(last))).toEqual(networks);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts ranges that contain the IPv4-mapped block inside a wider network", () => {
    expect(canonicals(rangeToCidrs("::", "::ffff:ffff:ffff:ffff"))).toEqual(["::/64"]);
  });
});

describe("agreement with Node's own parser (node:net)", () => {
  it("accepts every address generated from bytes, round-trips it and agrees with Node on family, text and bytes", () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryIpv4Host(), arbitraryIpv6Host()), ({ text, family, value }) => {
        const parsed = mustParse(text);
        expect(parsed.family).toBe(family);
        expect(parsed.isHost).toBe(true);
        expect(mustParse(parsed.canonical).canonical).toBe(parsed.canonical);
        expect(net.isIP(parsed.canonical)).toBe(family);
        expect(family === 4 ? net.isIPv4(parsed.canonical) : net.isIPv6(parsed.canonical)).toBe(true);
        expect(addressToBigInt(parsed)).toBe(value);
        // Node (libuv inet_pton / inet_ntop) reads the same bytes from our input and prints our canonical text.
        const nodeFamily = family === 4 ? "ipv4" : "ipv6";
        expect(new net.SocketAddress({ address: text, family: nodeFamily }).address).toBe(parsed.canonical);
        expect(new net.SocketAddress({ address: parsed.canonical, family: nodeFamily }).address).toBe(parsed.canonical);
        expect(parseHostAddress(text).ok).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with Node's BlockList on which addresses a network contains", () => {
    const sample = fc.oneof(
      fc.tuple(arbitraryIpv4Network(), arbitraryIpv4Host(), arbitraryIpv4Host()),
      fc.tuple(arbitraryIpv6Network(), arbitraryIpv6Host(), arbitraryIpv6Host()),
    );
    fc.assert(
      fc.property(sample, ([network, probe, other]) => {
        const parsed = mustParse(network.text);
        const nodeFamily = parsed.family === 4 ? "ipv4" : "ipv6";
        const blockList = new net.BlockList();
        blockList.addSubnet(parsed.address, parsed.prefixLength, nodeFamily);
        // A probe moved into the network, and an unrelated one.
        const hostBits = BigInt(bitsOf(parsed.family) - parsed.prefixLength);
        const inside = addressToBigInt(parsed) | (probe.value & ((1n << hostBits) - 1n));
        if (parsed.family === 6 && isMapped(inside)) return; // not an address Rampart accepts
        for (const value of [inside, other.value]) {
          const host = mustParse(formatForNode(parsed.family, value));
          expect(networkContains(parsed, host)).toBe(blockList.check(host.address, nodeFamily));
        }
        expect(networkContains(parsed, mustParse(formatForNode(parsed.family, inside)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("never accepts text from the address alphabet that Node rejects", () => {
    const alphabet = [..."0123456789abcdefABCDEF"].concat(Array(6).fill("."), Array(8).fill(":"), "/", "%");
    const randomText = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 24 });
    // Valid text with one character inserted, deleted or replaced lands near the boundary far more often.
    const mutated = fc
      .tuple(fc.oneof(arbitraryIpv4Host(), arbitraryIpv6Host(), arbitraryIpv4Network(), arbitraryIpv6Network()), fc.nat(), fc.constantFrom(...alphabet), fc.integer({ min: 0, max: 2 }))
      .map(([{ text }, at, ch, kind]) => {
        const i = at % (text.length + 1);
        return kind === 0 ? text.slice(0, i) + ch + text.slice(i) : kind === 1 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + ch + text.slice(i + 1);
      });
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(randomText, mutated, mutated), (text) => {
        const result = parseNetwork(text);
        if (!result.ok) return;
        accepted++;
        const addressPart = text.split("/")[0] ?? "";
        expect(net.isIP(addressPart)).toBe(result.value.family);
        const nodeFamily = result.value.family === 4 ? "ipv4" : "ipv6";
        expect(new net.SocketAddress({ address: addressPart, family: nodeFamily }).address).toBe(result.value.address);
        expect(mustParse(result.value.canonical)).toEqual(result.value);
      }),
      { numRuns: 6000 },
    );
    expect(accepted).toBeGreaterThan(300); // the property was really exercised
  });

  it("documents where Node is laxer: zone ids and IPv4-mapped addresses", () => {
    for (const text of ["fe80::1%eth0", "::ffff:10.0.0.1"]) {
      expect(net.isIP(text)).toBe(6);
      expect(parseNetwork(text).ok).toBe(false);
    }
    // BlockList matches a mapped address against an IPv4 rule; ip6tables would not, hence the rejection.
    const blockList = new net.BlockList();
    blockList.addAddress("10.0.0.1", "ipv4");
    expect(blockList.check("::ffff:10.0.0.1", "ipv6")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generators and reference implementations
// ---------------------------------------------------------------------------------------------------------

/** Any code points, lone surrogates included. */
const anyText = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff })), { maxLength: 70 })
  .map((codePoints) => String.fromCodePoint(...codePoints));

const MAPPED_FIRST = 0xffffn << 32n;
const MAPPED_LAST = MAPPED_FIRST | 0xffffffffn;

function bitsOf(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** Values biased towards zero runs, all-ones groups and edges, where formatting rules bite. */
function arbitraryValue(family: IpFamily): fc.Arbitrary<bigint> {
  const group = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constant(0xffff) },
    { weight: 1, arbitrary: fc.constant(1) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  );
  return fc
    .array(group, { minLength: bitsOf(family) / 16, maxLength: bitsOf(family) / 16 })
    .map((groups) => groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n));
}

/** Text Node and this parser both read: dotted IPv4, or IPv6 with all eight groups in hex. */
function formatForNode(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join(".");
  return groupsOf(value).map((g) => g.toString(16)).join(":");
}

function groupsOf(value: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
}

function isMapped(value: bigint): boolean {
  return value >= MAPPED_FIRST && value <= MAPPED_LAST;
}

interface Generated {
  text: string;
  family: IpFamily;
  value: bigint;
}

function arbitraryIpv4Host(): fc.Arbitrary<Generated> {
  return fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => ({
    text: [...bytes].join("."),
    family: 4,
    value: bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n),
  }));
}

/** IPv6 addresses written in the many ways RFC 4291 allows: any zero run compressed or not, padded groups, mixed case, dotted tail. */
function arbitraryIpv6Host(): fc.Arbitrary<Generated> {
  return fc
    .record({
      value: arbitraryValue(6).filter((value) => !isMapped(value)),
      padding: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
      upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      compressAt: fc.nat(),
      compressLength: fc.nat(),
      dottedTail: fc.boolean(),
    })
    .map(({ value, padding, upper, compressAt, compressLength, dottedTail }) => {
      const words = groupsOf(value);
      const groups = words.map((g, i) => {
        const hex = g.toString(16).padStart(Math.min(4, g.toString(16).length + (padding[i] ?? 0)), "0");
        return upper[i] ? hex.toUpperCase() : hex;
      });
      if (dottedTail) {
        const [high = 0, low = 0] = words.slice(6);
        groups.splice(6, 2, `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, "");
      }
      const groupCount = dottedTail ? 7 : 8; // the dotted part stands in the last slot
      const written = groups.slice(0, groupCount);
      // Compress one run of zero groups (possibly a single group, which RFC 4291 allows on input).
      const zeroRuns: [number, number][] = [];
      for (let i = 0; i < (dottedTail ? 6 : 8); i++) {
        if (words[i] !== 0) continue;
        for (let j = i; j < (dottedTail ? 6 : 8) && words[j] === 0; j++) zeroRuns.push([i, j - i + 1]);
      }
      if (zeroRuns.length > 0 && compressLength % 3 !== 0) {
        const [start, length] = zeroRuns[compressAt % zeroRuns.length] ?? [0, 0];
        const text = `${written.slice(0, start).join(":")}::${written.slice(start + length).join(":")}`;
        return { text, family: 6 as const, value };
      }
      return { text: written.join(":"), family: 6 as const, value };
    });
}

function arbitraryNetwork(family: IpFamily): fc.Arbitrary<Generated> {
  return fc.tuple(arbitraryValue(family), fc.integer({ min: 0, max: bitsOf(family) })).chain(([raw, prefix]) => {
    const hostBits = BigInt(bitsOf(family) - prefix);
    const value = (raw >> hostBits) << hostBits;
    if (family === 6 && prefix >= 96 && isMapped(value)) return fc.constant({ text: "::/0", family, value: 0n });
    return fc.constant({ text: `${formatForNode(family, value)}/${prefix}`, family, value });
  });
}
function arbitraryIpv4Network(): fc.Arbitrary<Generated> {
  return arbitraryNetwork(4);
}
function arbitraryIpv6Network(): fc.Arbitrary<Generated> {
  return arbitraryNetwork(6);
}

/** Textbook greedy split: grow each block while it stays aligned and inside the range. */
function referenceRangeToCidrs(family: IpFamily, first: bigint, last: bigint): [bigint, number][] {
  const bits = bitsOf(family);
  const out: [bigint, number][] = [];
  for (let current = first; current <= last; ) {
    let size = 0;
    while (size < bits && current % (1n << BigInt(size + 1)) === 0n && current + (1n << BigInt(size + 1)) - 1n <= last) size++;
    out.push([current, bits - size]);
    current += 1n << BigInt(size);
  }
  return out;
}
