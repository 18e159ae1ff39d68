import { describe, expect, it } from "vitest";
import { csvHeader, entryToCsvRow, exportFileName } from "./export";
import { parseImportText } from "./import-parse";

describe("CSV export", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const entry = {
    network: "192.0.2.0/24",
    comment: "=cmd|' /C calc'!A0",
    expiresAt: new Date("2025-06-01T00:00:00Z"),
    createdAt: new Date("2025-01-01T00:00:00Z"),
    author: "@ops",
  };

  it("writes a header and protected cells, with the status at export time", () => {
    expect(csvHeader()).toBe("network,comment,expires_at,status,created_at,author\r\n");
    expect(entryToCsvRow(entry, now)).toBe(
      "192.0.2.0/24,'=cmd|' /C calc'!A0,2025-06-01T00:00:00.000Z,expired,2025-01-01T00:00:00.000Z,'@ops\r\n",
    );
    expect(exportFileName("blocklist", now)).toBe("blocklist-2026-01-01.csv");
  });

  it("re-imports an export of valid entries unchanged", () => {
    const rows = [
      { ...entry, comment: "-scanner", expiresAt: new Date("2030-01-01T00:00:00Z") },
      { ...entry, network: "2001:db8::/48", comment: "office, floor 2", expiresAt: null },
    ];
    const text = csvHeader() + rows.map((row) => entryToCsvRow(row, now)).join("");
    const parsed = parseImportText(text, { format: "auto", now });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.candidates.map((c) => [c.network.canonical, c.comment, c.expiresAt?.toISOString() ?? null])).toEqual([
      ["192.0.2.0/24", "-scanner", "2030-01-01T00:00:00.000Z"],
      ["2001:db8::/48", "office, floor 2", null],
    ]);
  });
});
