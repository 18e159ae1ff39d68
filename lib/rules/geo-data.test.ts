import { describe, expect, it } from "vitest";

import { loadGeoIpDataset } from "./geo-data";

describe("loadGeoIpDataset (the shipped CSV files)", () => {
  it("loads once, names the dataset and serves sorted, non-overlapping ranges per country and family", async () => {
    const [source, again] = await Promise.all([loadGeoIpDataset(), loadGeoIpDataset()]);
    expect(again).toBe(source);
    expect(source.datasetId).toMatch(/^@ip-location-db\/geo-whois-asn-country@\d+\.\d+\.\d+$/);
    for (const country of ["DE", "US", "JP", "BR"]) {
      for (const family of [4, 6] as const) {
        const ranges = source.ranges(country, family);
        expect(ranges.length).toBeGreaterThan(10);
        for (let i = 1; i < ranges.length; i++) expect((ranges[i]?.first ?? 0n) > (ranges[i - 1]?.last ?? 0n) + 1n).toBe(true);
      }
    }
    expect(source.ranges("ZZ", 4)).toEqual([]);
    // 8.8.8.8 is registered in the US.
    expect(source.ranges("US", 4).some((r) => r.first <= 134744072n && r.last >= 134744072n)).toBe(true);
  }, 60_000);
});
