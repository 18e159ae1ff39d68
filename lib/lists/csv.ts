/**
 * A small, strict CSV reader and writer (RFC 4180) for address-list import and export.
 *
 * Records are read one line at a time: a quoted field must close on the line it opened. No valid list value
 * (network, comment, expiry) can hold a line break, so nothing is lost, and an unbalanced quote costs one
 * rejected line instead of silently swallowing the rest of the file.
 */

export type CsvLineResult = { ok: true; fields: string[] } | { ok: false; error: string };

/** Splits one CSV line into fields: commas separate, `"` quotes, `""` inside quotes is one quote. */
export function parseCsvLine(line: string): CsvLineResult {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    const fieldNumber = fields.length + 1;
    if (line.charCodeAt(i) === 34) {
      // Quoted field.
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return { ok: false, error: `Field ${fieldNumber} opens a quote that is not closed on this line.` };
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return { ok: true, fields };
      if (line.charCodeAt(i) !== 44) {
        return { ok: false, error: `Field ${fieldNumber} has text after its closing quote: put the whole field in quotes.` };
      }
      i++;
      continue;
    }
    const comma = line.indexOf(",", i);
    const end = comma < 0 ? n : comma;
    const value = line.slice(i, end);
    if (value.includes('"')) {
      return { ok: false, error: `Field ${fieldNumber} contains a quote: put the field in double quotes and write the quote twice ("").` };
    }
    fields.push(value);
    if (comma < 0) return { ok: true, fields };
    i = comma + 1;
  }
}

/** Characters that make spreadsheets read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r"]);

/**
 * A cell that a spreadsheet shows as text: a leading = + - @ tab or CR is preceded by an apostrophe. A cell that
 * already starts with an apostrophe gets one more, so that unprotectCell, which removes one apostrophe before any of
 * those characters or before another apostrophe, gives back exactly what was written ("'=x" → "''=x" → "'=x").
 */
export function protectCell(value: string): string {
  return value.length > 0 && (FORMULA_START.has(value[0]!) || value[0] === "'") ? `'${value}` : value;
}

/** Undoes protectCell on import, so an exported comment such as "-scanner" or "'quoted" reads back unchanged. */
export function unprotectCell(value: string): string {
  return value.length > 1 && value[0] === "'" && (FORMULA_START.has(value[1]!) || value[1] === "'") ? value.slice(1) : value;
}

/** One CSV cell: formula-protected, quoted when it holds a comma, quote, line break or edge spaces. */
export function toCsvCell(value: string): string {
  const safe = protectCell(value);
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record with its CRLF line end (RFC 4180). */
export function toCsvRow(values: readonly string[]): string {
  return `${values.map(toCsvCell).join(",")}\r\n`;
}
