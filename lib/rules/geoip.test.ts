import { describe, expect, it } from "vitest";

import { buildGeoAllowSet, createMemoryGeoIpSource, GeoCsvParser, GEOIP_ALWAYS_ALLOWED, mergeRanges } from "./geoip";

describe("mergeRanges", () => {
  it("merges overlapping and adjacent ranges, in order", () => {
    expect(
      mergeRanges([
        { first: 20n, last: 30n },
        { first: 0n, last: 9n },
        { first: 10n, last: 12n },
        { first: 25n, last: 40n },
        { first: 42n, last: 42n },
      ]),
    ).toEqual([
      { first: 0n, last: 12n },
      { first: 20n, last: 40n },
      { first: 42n, last: 42n },
    ]);
  });
});

describe("buildGeoAllowSet", () => {
  const source = createMemoryGeoIpSource("t@1", {
    AA: { 4: [{ first: 0x08000000n, last: 0x087fffffn }] },
    BB: { 4: [{ first: 0x08800000n, last: 0x08ffffffn }, { first: 0x64000005n, last: 0x64000014n }] },
  });
  it("turns merged ranges into the fewest CIDRs and adds the always-allowed ranges", () => {
    const set = buildGeoAllowSet(source, ["BB", "AA", "ZZ"], 4);
    expect(set.networks.slice(0, 6)).toEqual(["8.0.0.0/8", "10.0.0.0/8", "100.0.0.5", "100.0.0.6/31", "100.0.0.8/29", "100.0.0.16/30"]);
    expect(set.networks).toContain("192.168.0.0/16");
    expect(set.countriesWithoutData).toEqual(["ZZ"]);
  });
  it("always allows private, loopback and link-local sources for both families", () => {
    expect(GEOIP_ALWAYS_ALLOWED[4]).toHaveLength(6);
    expect(buildGeoAllowSet(source, [], 6).networks).toEqual(["::1", "fc00::/7", "fe80::/10"]);
  });
});

describe("createMemoryGeoIpSource", () => {
  it("rejects invalid codes and ranges", () => {
    expect(() => createMemoryGeoIpSource("t", { de: {} })).toThrow(/country code/);
    expect(() => createMemoryGeoIpSource("t", { DE: { 4: [{ first: 5n, last: 4n }] } })).toThrow(/invalid IPv4 range/);
    expect(() => createMemoryGeoIpSource("t", { DE: { 4: [{ first: 0n, last: 1n << 32n }] } })).toThrow(/invalid IPv4 range/);
  });
});

describe("GeoCsvParser", () => {
  it("parses rows split across chunks at any position, with CRLF", () => {
    const text = "16777216,16777471,AU\r\n16777472,16778239,CN\n16778240,16779263,AU\n";
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new GeoCsvParser(4);
      parser.push(text.slice(0, cut));
      parser.push(text.slice(cut));
      const table = parser.finish();
      expect(table.get("AU")).toEqual([
        { first: 16777216n, last: 16777471n },
        { first: 16778240n, last: 16779263n },
      ]);
      expect(table.get("CN")).toEqual([{ first: 16777472n, last: 16778239n }]);
    }
  });
  it("reads a last line without newline and IPv6 magnitudes", () => {
    const parser = new GeoCsvParser(6);
    parser.push("42540488320432167789079031612388147200,42540488320433376714898646241562853375,JP");
    expect(parser.finish().get("JP")).toEqual([{ first: 42540488320432167789079031612388147200n, last: 42540488320433376714898646241562853375n }]);
  });
  it.each([
    ["reversed range", "5,4,AU\n"],
    ["leading zero", "05,6,AU\n"],
    ["lower-case code", "1,2,au\n"],
    ["missing field", "1,AU\n"],
    ["sign", "-1,2,AU\n"],
    ["too large", "1,4294967296,AU\n"],
    ["long code", "1,2,AUS\n"],
  ])("rejects a %s with the line number", (_why, row) => {
    const parser = new GeoCsvParser(4);
    expect(() => {
      parser.push(`1,2,AU\n${row}`);
      parser.finish();
    }).toThrow(/line 2/);
  });
});
