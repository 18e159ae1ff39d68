import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseCsvLine, protectCell, toCsvCell, toCsvRow, unprotectCell } from "./csv";

describe("parseCsvLine", () => {
  it("splits plain fields and keeps empty ones", () => {
    expect(parseCsvLine("192.0.2.1,office,")).toEqual({ ok: true, fields: ["192.0.2.1", "office", ""] });
    expect(parseCsvLine("192.0.2.1")).toEqual({ ok: true, fields: ["192.0.2.1"] });
    expect(parseCsvLine("")).toEqual({ ok: true, fields: [""] });
  });

  it("reads quoted fields with commas and doubled quotes", () => {
    expect(parseCsvLine('10.0.0.0/8,"office, floor 2",2030-01-01T00:00:00Z')).toEqual({
      ok: true,
      fields: ["10.0.0.0/8", "office, floor 2", "2030-01-01T00:00:00Z"],
    });
    expect(parseCsvLine('"a ""b"" c",""')).toEqual({ ok: true, fields: ['a "b" c', ""] });
  });

  it("rejects unbalanced and stray quotes with a message naming the field", () => {
    const open = parseCsvLine('1.2.3.4,"never closed');
    expect(open.ok).toBe(false);
    expect(!open.ok && open.error).toMatch(/Field 2 opens a quote/);
    const after = parseCsvLine('"a"b,c');
    expect(!after.ok && after.error).toMatch(/Field 1 has text after its closing quote/);
    const stray = parseCsvLine('a,b"c');
    expect(!stray.ok && stray.error).toMatch(/Field 2 contains a quote/);
  });

  it("reads back whatever toCsvRow writes (cells without line breaks)", () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 6 }), (cells) => {
        const row = toCsvRow(cells).slice(0, -2);
        const parsed = parseCsvLine(row);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.fields.map(unprotectCell)).toEqual(cells.map((c) => unprotectCell(protectCell(c))));
      }),
    );
  });
});

describe("formula-injection protection", () => {
  it.each(["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])("prefixes %j with an apostrophe", (cell) => {
    expect(protectCell(cell).startsWith("'")).toBe(true);
    expect(unprotectCell(protectCell(cell))).toBe(cell);
  });

  it.each(["'=", "'", "''", "'abc", "''=x", "'-1"])("reads back %j, which starts with an apostrophe, unchanged", (cell) => {
    expect(unprotectCell(protectCell(cell))).toBe(cell);
  });

  it("reads back any text unchanged (property)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("'", "=", "+", "-", "@", "\t", "a", " ") }), (cell) => unprotectCell(protectCell(cell)) === cell));
  });

  it("leaves ordinary text alone and quotes when needed", () => {
    expect(toCsvCell("office")).toBe("office");
    expect(toCsvCell("a,b")).toBe('"a,b"');
    expect(toCsvCell(' lead')).toBe('" lead"');
    expect(toCsvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(toCsvRow(["a", "b"])).toBe("a,b\r\n");
  });
});
