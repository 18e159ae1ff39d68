import { describe, expect, it } from "vitest";

import { parseHostAddress } from "@/lib/net/parse";
import { createMemoryGeoIpSource } from "@/lib/rules/geoip";

import { countryName, locateAddress, summarizeCountries, totalsOf } from "./countries";

const ip4 = (a: number, b: number, c: number, d: number) => (BigInt(a) << 24n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);

function host(text: string) {
  const parsed = parseHostAddress(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const source = createMemoryGeoIpSource("test@1", {
  IT: {
    4: [
      { first: ip4(2, 0, 0, 0), last: ip4(2, 0, 0, 255) },
      // Adjacent to the first row: merged into one range, as the compiler sees it.
      { first: ip4(2, 0, 1, 0), last: ip4(2, 0, 1, 255) },
      { first: ip4(5, 0, 0, 0), last: ip4(5, 0, 0, 0) },
    ],
    6: [{ first: 0x2a00n << 112n, last: (0x2a00n << 112n) + 0xffffn }],
  },
  CH: { 4: [{ first: ip4(3, 0, 0, 0), last: ip4(3, 0, 0, 127) }] },
  AN: { 4: [{ first: ip4(4, 0, 0, 0), last: ip4(4, 0, 0, 3) }] },
});

describe("countryName", () => {
  it("gives English names, and the code when there is none", () => {
    expect(countryName("IT")).toBe("Italy");
    expect(countryName("CH")).toBe("Switzerland");
    expect(countryName("XK")).toBe("Kosovo");
    expect(countryName("AN")).toBe("Netherlands Antilles (former)");
    expect(countryName("AA")).toBe("AA");
    expect(countryName("ZZ")).toBe("ZZ");
    expect(countryName("it")).toBe("it");
  });
});

describe("summarizeCountries", () => {
  it("lists the countries with data, by name, with merged range counts and IPv4 address counts", () => {
    expect(summarizeCountries(source)).toEqual([
      { code: "IT", name: "Italy", ipv4Ranges: 2, ipv6Ranges: 1, ipv4Addresses: 513 },
      { code: "AN", name: "Netherlands Antilles (former)", ipv4Ranges: 1, ipv6Ranges: 0, ipv4Addresses: 4 },
      { code: "CH", name: "Switzerland", ipv4Ranges: 1, ipv6Ranges: 0, ipv4Addresses: 128 },
    ]);
  });

  it("totals a selection, counting codes without data as empty countries", () => {
    const byCode = new Map(summarizeCountries(source).map((c) => [c.code, c]));
    expect(totalsOf(byCode, ["IT", "CH", "IT", "QQ"])).toEqual({ countries: 3, ipv4Ranges: 3, ipv6Ranges: 1, ipv4Addresses: 641 });
    expect(totalsOf(byCode, [])).toEqual({ countries: 0, ipv4Ranges: 0, ipv6Ranges: 0, ipv4Addresses: 0 });
  });
});

describe("locateAddress", () => {
  const codes = ["IT", "CH", "AN"];
  it("finds the country of an address, at range edges too", () => {
    expect(locateAddress(source, codes, host("2.0.1.255"))).toEqual({ kind: "country", code: "IT" });
    expect(locateAddress(source, codes, host("2.0.0.0"))).toEqual({ kind: "country", code: "IT" });
    expect(locateAddress(source, codes, host("3.0.0.127"))).toEqual({ kind: "country", code: "CH" });
    expect(locateAddress(source, codes, host("2a00::ffff"))).toEqual({ kind: "country", code: "IT" });
  });

  it("reports addresses outside every country as unknown and private space as private", () => {
    expect(locateAddress(source, codes, host("3.0.0.128"))).toEqual({ kind: "unknown" });
    expect(locateAddress(source, codes, host("2a00::1:0"))).toEqual({ kind: "unknown" });
    expect(locateAddress(source, codes, host("127.0.0.1"))).toEqual({ kind: "private" });
    expect(locateAddress(source, codes, host("192.168.1.10"))).toEqual({ kind: "private" });
    expect(locateAddress(source, codes, host("fd00::1"))).toEqual({ kind: "private" });
  });
});
