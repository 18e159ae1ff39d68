import { describe, expect, it } from "vitest";
import { RATES_ENFORCEMENT } from "@/lib/validation/rates";
import { formatPrice, formatRateImportReport } from "./rates";

const route = { id: "6f1c2f0e-0000-4000-8000-000000000000", name: "Carrier\u001bA", currency: "EUR" };
const base = { route, lines: 3, skipped: 1, accepted: 1, previousCount: 4, isRejectedTruncated: false, isDryRun: false, enforcement: RATES_ENFORCEMENT };

describe("rates command output", () => {
  it("says nothing was stored and prints every rejected line, made printable", () => {
    const lines = formatRateImportReport({ ...base, isStored: false, rejectedCount: 1, rejected: [{ line: 3, text: "44,\u0007x", reason: "Bad." }] }, "f.csv");
    expect(lines).toEqual([
      "read 3 lines from f.csv: 1 good, 1 rejected, 1 skipped (blank, comment or header)",
      "nothing was stored: 1 line was rejected (the route keeps its 4 rates)",
      "rejected lines:",
      '  line 3: "44,\\u0007x": Bad.',
      `note: ${RATES_ENFORCEMENT}`,
    ]);
    expect(formatRateImportReport({ ...base, isStored: true, rejectedCount: 0, rejected: [] }, "f.csv")[1]).toBe('stored: 1 rates replace the 4 of route "Carrier\\u{1b}A" (EUR)');
  });

  it("prints a price with its rate and the not-enforced note", () => {
    const rate = { id: route.id, prefix: "447", description: "UK mobile", costPerMinute: "0.085", firstIncrement: 30, nextIncrement: 6, increment: "30/6", connectionFee: "0.05" };
    expect(formatPrice({ route, number: "4479", rate, durationSeconds: 37, billedSeconds: 42, cost: "0.11", display: "€0.11", enforcement: RATES_ENFORCEMENT })).toEqual([
      "4479: €0.11 for 37 s (42 s billed)",
      "rate: prefix 447 (UK mobile), 0.085 EUR per minute, increment 30/6, connection fee 0.05 EUR",
      `note: ${RATES_ENFORCEMENT}`,
    ]);
  });
});
