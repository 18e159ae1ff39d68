import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_RATE_IMPORT_BYTES, MAX_RATE_LINES } from "@/lib/validation/rates";
import { checkRateFileSize, parseRateCsv, rateCsvHeader, rateExportFileName, rateToCsvRow } from "./csv";

describe("reading a rate CSV", () => {
  it("reads a header and one rate per line, normalising prefixes and amounts", () => {
    const parsed = parseRateCsv(
      "\uFEFFprefix,description,cost_per_minute,increment,connection_fee\r\n" +
        "+44,United Kingdom,0.0125,60/60,0\r\n" +
        "# mobiles\r\n" +
        '4477,"UK mobile, all networks",0.0850,30/6,0.0500\r\n' +
        "\r\n" +
        "1,USA,00.10,1/1,\r\n",
    );
    expect(parsed).toMatchObject({ lines: 6, skipped: 3, rejected: [] });
    expect(parsed.rates).toEqual([
      { line: 2, prefix: "44", description: "United Kingdom", costPerMinute: "0.0125", firstIncrement: 60, nextIncrement: 60, connectionFee: "0" },
      { line: 4, prefix: "4477", description: "UK mobile, all networks", costPerMinute: "0.085", firstIncrement: 30, nextIncrement: 6, connectionFee: "0.05" },
      { line: 6, prefix: "1", description: "USA", costPerMinute: "0.1", firstIncrement: 1, nextIncrement: 1, connectionFee: "0" },
    ]);
  });

  it("reads a file without a header by position, and a header's columns by name in any order", () => {
    expect(parseRateCsv("33,France,0.02,60/60,0").rates).toHaveLength(1);
    const parsed = parseRateCsv("prefix,increment,cost_per_minute\n49,60/60,0.03\n");
    expect(parsed.rates).toEqual([{ line: 2, prefix: "49", description: "", costPerMinute: "0.03", firstIncrement: 60, nextIncrement: 60, connectionFee: "0" }]);
  });

  it("rejects each bad line with its number and reason, and keeps the good ones", () => {
    const parsed = parseRateCsv(
      [
        "prefix,description,cost_per_minute,increment,connection_fee",
        "44,UK,0.01,60/60,0",
        "44-20,London,0.01,60/60,0",
        "4420,London,0,01,60/60,0",
        "4421,Birmingham,-1,60/60,0",
        "4422,Manchester,0.12345,60/60,0",
        "4423,Leeds,0.01,0/60,0",
        "4424,Leeds,0.01,60/3601,0",
        "4425,Leeds,0.01,sixty,0",
        "+44,UK again,0.01,60/60,0",
        "123456789012345678901,Too long,0.01,60/60,0",
        '4426,"open quote,0.01,60/60,0',
        "4427,Glasgow,0.01,60/60,1e3",
      ].join("\n"),
    );
    expect(parsed.rates.map((r) => r.prefix)).toEqual(["44"]);
    expect(parsed.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, expect.stringContaining("Prefix must be 1 to 20 digits")],
      [4, "Expected at most 5 fields, as the header names, found 6. Amounts take a point as the decimal separator."],
      [5, "Cost per minute cannot be negative."],
      [6, "Cost per minute has too many decimal places: at most 4."],
      [7, "The first increment must be 1 to 3600 seconds (got 0)."],
      [8, "The next increment must be 1 to 3600 seconds (got 3601)."],
      [9, expect.stringContaining('Increment "sixty" is not first/next seconds')],
      [10, "Prefix 44 is already on line 2; a route has one rate per prefix."],
      [11, "Prefix is too long: at most 20 digits."],
      [12, expect.stringContaining("opens a quote that is not closed")],
      [13, expect.stringContaining("Connection fee must be a decimal amount")],
    ]);
    expect(parsed.rejected[0]!.text).toBe("44-20,London,0.01,60/60,0");
  });

  it("refuses control characters and over-long lines, and a header without the needed columns", () => {
    const parsed = parseRateCsv("prefix,description\n44,U\u0007K,0.01,60/60,0\n" + `44,${"x".repeat(1_200)},0.01,60/60,0`);
    expect(parsed.rejected.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(parsed.rejected[0]!.reason).toContain("no cost_per_minute or increment column");
    expect(parsed.rejected[1]!.reason).toContain("control character");
    expect(parsed.rejected[1]!.text).not.toContain("\u0007");
    expect(parsed.rejected[2]!.reason).toContain("too long");
  });

  it("limits the file's size and line count", () => {
    expect(checkRateFileSize("44,UK,0.01,60/60,0\n")).toBeNull();
    expect(checkRateFileSize("4".repeat(MAX_RATE_IMPORT_BYTES + 1))).toContain("too large");
    expect(checkRateFileSize("\n".repeat(MAX_RATE_LINES + 1))).toContain("too large");
    // Multi-byte text counts in UTF-8 bytes.
    expect(checkRateFileSize("€".repeat(MAX_RATE_IMPORT_BYTES / 3 + 1))).toContain("too large");
  });
});

describe("writing a rate CSV", () => {
  it("writes the five columns, formula-protected, and reads back unchanged (property)", () => {
    const text = fc.string({ maxLength: 40 }).filter((s) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(s) && s === s.trim());
    const rate = fc.record({
      prefix: fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 20 }),
      description: text,
      costPerMinute: fc.constantFrom("0", "0.0125", "12.5", "9999999999.9999"),
      firstIncrement: fc.integer({ min: 1, max: 3600 }),
      nextIncrement: fc.integer({ min: 1, max: 3600 }),
      connectionFee: fc.constantFrom("0", "0.05", "1"),
    });
    fc.assert(
      fc.property(fc.uniqueArray(rate, { selector: (r) => r.prefix, maxLength: 10 }), (rates) => {
        const parsed = parseRateCsv(rateCsvHeader() + rates.map(rateToCsvRow).join(""));
        expect(parsed.rejected).toEqual([]);
        expect(parsed.rates.map(({ line: _line, ...r }) => r)).toEqual(rates);
      }),
    );
    expect(rateCsvHeader()).toBe("prefix,description,cost_per_minute,increment,connection_fee\r\n");
    expect(rateToCsvRow({ prefix: "44", description: "=HYPERLINK()", costPerMinute: "0.01", firstIncrement: 30, nextIncrement: 6, connectionFee: "0" })).toBe(
      "44,'=HYPERLINK(),0.01,30/6,0\r\n",
    );
  });

  it("names the file after the route", () => {
    expect(rateExportFileName("Satellite / Iridium", new Date("2026-12-04T10:00:00Z"))).toBe("rates-satellite-iridium-2026-12-04.csv");
    expect(rateExportFileName("ÜÖ", new Date("2026-12-04T10:00:00Z"))).toBe("rates-uo-2026-12-04.csv");
    expect(rateExportFileName("€€", new Date("2026-12-04T10:00:00Z"))).toBe("rates-route-2026-12-04.csv");
  });
});
