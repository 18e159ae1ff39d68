import { describe, expect, it } from "vitest";
import { parseImportText, splitLines } from "./import-parse";

const now = new Date("2026-01-01T00:00:00Z");

describe("splitLines", () => {
  it("handles CRLF, a BOM and the final line break", () => {
    expect(splitLines("\uFEFFa\r\nb\n\nc\n")).toEqual(["a", "b", "", "c"]);
    expect(splitLines("")).toEqual([]);
  });
});

describe("parseImportText (text)", () => {
  it("accepts good lines in canonical form, rejects every bad one with its reason and line number", () => {
    const text = ["# feed header", "192.0.2.1", "  2001:DB8::1  ", "", "10.0.0.1/8", "010.1.1.1", "198.51.100.0/24 # scanners", "203.0.113.7 ; SBL1"].join("\n");
    const result = parseImportText(text, { format: "auto", now });
    expect(result.format).toBe("text");
    expect(result.lines).toBe(8);
    expect(result.skipped).toBe(2);
    expect(result.candidates.map((c) => [c.line, c.network.canonical, c.comment])).toEqual([
      [2, "192.0.2.1", ""],
      [3, "2001:db8::1", ""],
      [7, "198.51.100.0/24", "scanners"],
      [8, "203.0.113.7", "SBL1"],
    ]);
    expect(result.rejected).toEqual([
      { line: 5, text: "10.0.0.1/8", reason: expect.stringContaining("did you mean 10.0.0.0/8") },
      { line: 6, text: "010.1.1.1", reason: expect.stringContaining("leading zero") },
    ]);
  });

  it("refuses /0 always and broad networks unless confirmed", () => {
    const refused = parseImportText("0.0.0.0/0\n10.0.0.0/7\n", { format: "text", now });
    expect(refused.candidates).toEqual([]);
    expect(refused.rejected.map((r) => r.reason)).toEqual([
      expect.stringContaining("/0 network matches every address"),
      expect.stringMatching(/covers 1\/128 of all IPv4 addresses.*Allow broad networks/),
    ]);
    const confirmed = parseImportText("0.0.0.0/0\n10.0.0.0/7\n", { format: "text", now, confirmBroad: true });
    expect(confirmed.candidates.map((c) => c.network.canonical)).toEqual(["10.0.0.0/7"]);
  });

  it("applies the default comment and validates comments against the allow-list", () => {
    const result = parseImportText('192.0.2.1\n192.0.2.2 # has "quotes"\n', { format: "text", now, defaultComment: "feed" });
    expect(result.candidates).toEqual([expect.objectContaining({ line: 1, comment: "feed" })]);
    expect(result.rejected[0]).toEqual(expect.objectContaining({ line: 2, reason: expect.stringContaining("without quotes") }));
  });

  it("rejects overlong lines and shortens what it shows of them", () => {
    const long = "1".repeat(5_000);
    const result = parseImportText(`${long}\n`, { format: "text", now });
    expect(result.rejected[0]!.reason).toMatch(/too long \(5000 characters\)/);
    expect(result.rejected[0]!.text.length).toBeLessThanOrEqual(201);
  });

  it("rejects commas in text format with the parser's message", () => {
    const result = parseImportText("1.1.1.1,2.2.2.2\n", { format: "text", now });
    expect(result.rejected[0]!.reason).toMatch(/one address or network per entry/);
  });
});

describe("parseImportText (hostile lines)", () => {
  it("rejects a line holding a control character or an unpaired surrogate, shown with U+FFFD in its place", () => {
    const text = ["192.0.2.1\u0000", "198.51.100.1 # a\ud800", "203.0.113.9\t# ok", "192.0.2.2,\u001b[31m"].join("\n");
    const result = parseImportText(text, { format: "text", now });
    expect(result.candidates.map((c) => c.line)).toEqual([3]);
    expect(result.rejected).toEqual([
      { line: 1, text: "192.0.2.1\ufffd", reason: "The line holds a control character (U+0000) at position 10." },
      { line: 2, text: "198.51.100.1 # a\ufffd", reason: expect.stringContaining("unpaired surrogate (U+D800)") },
      { line: 4, text: "192.0.2.2,\ufffd[31m", reason: expect.stringContaining("U+001B") },
    ]);
  });
});

describe("parseImportText (csv)", () => {
  it("reads network,comment,expiry with quotes and rejects bad expiry, past expiry and extra fields", () => {
    const text = [
      '192.0.2.1,"office, floor 2",2030-01-01T00:00:00Z',
      "192.0.2.2,,",
      "192.0.2.3,x,yesterday",
      "192.0.2.4,x,2020-01-01T00:00:00Z",
      "192.0.2.5,x,2030-01-01T00:00:00Z,extra",
      '192.0.2.6,"open',
    ].join("\n");
    const result = parseImportText(text, { format: "auto", now });
    expect(result.format).toBe("csv");
    expect(result.candidates.map((c) => [c.line, c.network.canonical, c.comment, c.expiresAt?.toISOString() ?? null])).toEqual([
      [1, "192.0.2.1", "office, floor 2", "2030-01-01T00:00:00.000Z"],
      [2, "192.0.2.2", "", null],
    ]);
    expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, expect.stringContaining("ISO 8601")],
      [4, expect.stringContaining("in the past")],
      [5, expect.stringContaining("Too many fields (4)")],
      [6, expect.stringContaining("not closed")],
    ]);
  });

  it("maps columns by header name and re-reads its own export (formula protection undone)", () => {
    const text = "network,comment,expires_at,status,created_at,author\r\n192.0.2.9,'-scanner,,active,2025-01-01T00:00:00.000Z,a@b.c\r\n";
    const result = parseImportText(text, { format: "csv", now });
    expect(result.skipped).toBe(1);
    expect(result.rejected).toEqual([]);
    expect(result.candidates).toEqual([expect.objectContaining({ line: 2, comment: "-scanner", expiresAt: null })]);
  });
});
