import { describe, expect, it } from "vitest";

import { MAX_CALLER_ID, MAX_CDR_LINE, parseCdrLine, parseCdrs, splitCdrFields, type CallDetailRecord } from "./cdrs";
import { LineRejection } from "./parse-result";

// A line Asterisk 22's cdr_csv wrote in the lab (usegmtime=yes loguniqueid=yes loguserfield=yes): phone 1001 of
// account "acme" dialling 0 + 0441234567 out through the trunk endpoint "carrier".
const REAL =
  '"acme","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-00000000","PJSIP/carrier-00000001","Dial","PJSIP/0441234567@carrier,60","2026-12-04 01:30:03","2026-12-04 01:30:03","2026-12-04 01:30:07",4,4,"ANSWERED","DOCUMENTATION","node1-1796347803.0",""';

/** The real line's fields, to change one at a time; quoted as cdr_csv quotes them. */
const FIELDS = ["acme", "1001", "00441234567", "tenant-acme", '"1001" <1001>', "PJSIP/1001-00000000", "PJSIP/carrier-00000001", "Dial", "PJSIP/0441234567@carrier,60", "2026-12-04 01:30:03", "2026-12-04 01:30:03", "2026-12-04 01:30:07", "4", "4", "ANSWERED", "DOCUMENTATION", "node1-1796347803.0", ""];
const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
function lineWith(changes: Record<number, string> = {}): string {
  return FIELDS.map((value, index) => {
    const text = changes[index] ?? value;
    return index === 12 || index === 13 ? text : quote(text);
  }).join(",");
}

function record(line: string): CallDetailRecord {
  const result = parseCdrLine(line);
  if (result instanceof LineRejection) throw new Error(`rejected: ${result.reason}`);
  return result;
}

function reason(line: string): string {
  const result = parseCdrLine(line);
  if (!(result instanceof LineRejection)) throw new Error("accepted a line that should be rejected");
  return result.reason;
}

describe("parseCdrLine", () => {
  it("reads the real lab line, times as UTC", () => {
    expect(record(REAL)).toEqual({
      uniqueId: "node1-1796347803.0",
      recordDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      accountCode: "acme",
      source: "1001",
      destination: "00441234567",
      context: "tenant-acme",
      callerId: '"1001" <1001>',
      channel: "PJSIP/1001-00000000",
      dstChannel: "PJSIP/carrier-00000001",
      lastApp: "Dial",
      startedAt: new Date("2026-12-04T01:30:03Z"),
      answeredAt: new Date("2026-12-04T01:30:03Z"),
      endedAt: new Date("2026-12-04T01:30:07Z"),
      durationSeconds: 4,
      billSeconds: 4,
      disposition: "ANSWERED",
      userField: "",
    });
    expect(lineWith()).toBe(REAL);
  });

  it("gives the same digest for the same line and another for any change", () => {
    expect(record(REAL).recordDigest).toBe(record(REAL).recordDigest);
    expect(record(lineWith({ 6: "PJSIP/carrier2-00000002" })).recordDigest).not.toBe(record(REAL).recordDigest);
  });

  it("reads an unanswered call: empty answer, no billed seconds", () => {
    const r = record(lineWith({ 6: "PJSIP/1002-00000003", 10: "", 11: "2026-12-04 01:30:23", 12: "20", 13: "0", 14: "NO ANSWER" }));
    expect(r).toMatchObject({ answeredAt: null, durationSeconds: 20, billSeconds: 0, disposition: "NO ANSWER" });
    for (const disposition of ["BUSY", "FAILED", "CONGESTION"]) expect(record(lineWith({ 10: "", 13: "0", 14: disposition })).disposition).toBe(disposition);
  });

  it("keeps quotes and commas inside quoted fields", () => {
    const r = record(lineWith({ 4: '"O""Brien, Pat" <+44 20>', 8: 'a,"b",c' }));
    expect(r.callerId).toBe('"O""Brien, Pat" <+44 20>');
    expect(splitCdrFields('"a""b","",7,"c,d"')).toEqual([
      { value: 'a"b', isQuoted: true },
      { value: "", isQuoted: true },
      { value: "7", isQuoted: false },
      { value: "c,d", isQuoted: true },
    ]);
  });

  it("refuses a line with fewer or more than 18 fields", () => {
    expect(reason(FIELDS.slice(0, 17).map(quote).join(","))).toMatch(/^17 fields, not 18$/);
    expect(reason(`${REAL},""`)).toMatch(/^19 fields, not 18$/);
    // cdr.conf without loguniqueid/loguserfield: 16 fields.
    expect(reason(REAL.split(',"node1')[0]!)).toMatch(/16 fields/);
    expect(reason("")).toMatch(/1 fields/);
  });

  it("refuses broken quoting instead of guessing where fields end", () => {
    expect(reason(REAL.slice(0, -1))).toMatch(/no closing quote/);
    expect(reason(REAL.replace('"1001",', '"1001"x,'))).toMatch(/text after its closing quote/);
    expect(reason(REAL.replace(",4,4,", ',4",4,'))).toMatch(/quote inside unquoted text/);
    expect(reason(REAL.replace(",4,4,", ',"4",4,'))).toMatch(/field 13 is quoted/);
    expect(reason(REAL.replace('"acme"', "acme"))).toMatch(/field 1 is not quoted/);
  });

  it("reads the call the call guard refused, as Asterisk 22 wrote it in the lab (answer as a bare empty field)", () => {
    const refused =
      '"acme","1001","000442079461003","tenant-acme","""1001"" <1001>","PJSIP/1001-00000004","","Hangup","21","2026-12-04 18:47:08",,"2026-12-04 18:47:08",0,0,"NO ANSWER","DOCUMENTATION","node1-1796410028.4","rampart-guard refuse extension-daily acme 1001 00442079461003"';
    expect(record(refused)).toMatchObject({ answeredAt: null, billSeconds: 0, disposition: "NO ANSWER", lastApp: "Hangup", userField: "rampart-guard refuse extension-daily acme 1001 00442079461003" });
    // Only the answer may be bare and empty: a bare text field is still not cdr_csv's.
    expect(parseCdrLine(refused.replace('"PJSIP/1001-00000004"', ""))).toBeInstanceOf(LineRejection);
    expect(parseCdrLine(refused.replace(',,"2026-12-04 18:47:08"', ',x,"2026-12-04 18:47:08"'))).toBeInstanceOf(LineRejection);
  });

  it("refuses a line cut by a newline inside caller text (each half alone)", () => {
    const [first, second] = lineWith({ 4: '"Eve\n" <1001>' }).split("\n") as [string, string];
    expect(parseCdrLine(first)).toBeInstanceOf(LineRejection);
    expect(parseCdrLine(second)).toBeInstanceOf(LineRejection);
  });

  it("refuses bad times, numbers, dispositions and unique ids", () => {
    expect(reason(lineWith({ 9: "2026-02-30 01:00:00" }))).toMatch(/start is not a UTC time/);
    expect(reason(lineWith({ 9: "2026-12-04T01:30:03Z" }))).toMatch(/start is not a UTC time/);
    expect(reason(lineWith({ 10: "soon" }))).toMatch(/answer is neither empty nor a UTC time/);
    expect(reason(lineWith({ 11: "" }))).toMatch(/end is not a UTC time/);
    expect(reason(lineWith({ 11: "2026-12-04 01:30:02" }))).toMatch(/end is before start/);
    expect(reason(lineWith({ 10: "2026-12-04 01:30:09" }))).toMatch(/answer is outside start and end/);
    expect(reason(lineWith({ 12: "-4" }))).toMatch(/duration is not a non-negative integer/);
    expect(reason(lineWith({ 12: "4.5" }))).toMatch(/duration/);
    expect(reason(lineWith({ 12: "99999999999" }))).toMatch(/duration/);
    expect(reason(lineWith({ 13: "" }))).toMatch(/billsec is not a non-negative integer/);
    expect(reason(lineWith({ 13: "5" }))).toMatch(/billsec exceeds duration/);
    expect(reason(lineWith({ 14: "answered" }))).toMatch(/disposition is not one of/);
    expect(reason(lineWith({ 14: "NO_ANSWER" }))).toMatch(/disposition/);
    expect(reason(lineWith({ 10: "", 13: "0" }))).toMatch(/ANSWERED without an answer time/);
    expect(reason(lineWith({ 10: "", 14: "NO ANSWER" }))).toMatch(/billed/);
    expect(reason(lineWith({ 16: "" }))).toMatch(/uniqueid is missing/);
    expect(reason(lineWith({ 16: "node1 1796347803.0" }))).toMatch(/uniqueid/);
    expect(reason(lineWith({ 16: "x".repeat(151) }))).toMatch(/uniqueid/);
  });

  it("refuses control, invisible or overlong text in the fields that identify and route a call", () => {
    expect(reason(lineWith({ 0: "acme\u0007" }))).toMatch(/^accountcode holds control or invisible characters$/);
    expect(reason(lineWith({ 2: "0044\u202e1234" }))).toMatch(/^dst holds control/);
    expect(reason(lineWith({ 17: "\u0000" }))).toMatch(/^userfield holds control/);
    expect(reason(lineWith({ 1: "1".repeat(257) }))).toMatch(/^src is longer than 256 characters$/);
    expect(reason(lineWith({ 4: "x".repeat(257) }))).toMatch(/^clid is longer than 256 characters$/);
    expect(reason(`${REAL}${" ".repeat(MAX_CDR_LINE)}`)).toMatch(/longer than 4096 characters/);
  });

  it("keeps a call whose caller id is hostile, made printable and short (so it still counts towards limits)", () => {
    const r = record(lineWith({ 4: '"Mallory\u001b[2J\u200b" <1001>' }));
    expect(r.callerId).toBe('"Mallory\uFFFD[2J\uFFFD" <1001>');
    const long = record(lineWith({ 4: "é".repeat(200) }));
    expect([...long.callerId]).toHaveLength(MAX_CALLER_ID);
    expect(long.callerId.endsWith("…")).toBe(true);
  });

  it("keeps hostile but printable text exactly (it is data, never markup or SQL)", () => {
    const text = `'; DROP TABLE call_records; -- <script>`;
    expect(record(lineWith({ 3: text })).context).toBe(text);
  });
});

describe("parseCdrs", () => {
  it("returns every record and every rejected line with its number and reason; blank lines are skipped", () => {
    const unanswered = lineWith({ 10: "", 13: "0", 14: "BUSY", 16: "node1-1796347810.4" });
    const parsed = parseCdrs(`${REAL}\n\n"cut","line\n${unanswered}\r\n`);
    expect(parsed.items.map((r) => r.uniqueId)).toEqual(["node1-1796347803.0", "node1-1796347810.4"]);
    expect(parsed.rejected).toEqual([{ line: 3, text: '"cut","line', reason: "field 2 has no closing quote" }]);
  });
});
