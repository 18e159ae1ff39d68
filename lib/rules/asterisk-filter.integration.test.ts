/**
 * Rampart's Asterisk filter (rampart-asterisk.conf), checked by the real `fail2ban-regex`:
 *  - over fail2ban's own annotated Asterisk test log, shipped in Debian's fail2ban package: every case as
 *    annotated, except the named cases in NEEDS_CALLER_ADDRESS (none today);
 *  - over one line per residual class named in the filter's header: never counted;
 *  - over generated lines in Asterisk 22's formats whose caller-controlled fields hold random text built from
 *    every separator, quote and field name of those formats (fast-check): the filter finds the address Asterisk
 *    wrote or nothing, never another, and finds it on every line where the grammar decides.
 * fail2ban-regex runs once per log file (the stock log's journal section is a second file, as in fail2ban's own
 * test harness) and prints every match of every regex (-o "<ip>\t<msg>", all regexes checked), so each line's
 * result is known.
 *
 * fail2ban-regex or the stock test log missing: the suite fails when RAMPART_REQUIRE_ALL=1, and otherwise is
 * skipped with a loud warning.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createTempDirs, fail2banConfigWith } from "@/test/rules/fail2ban-config";
import { isEverySuiteRequired, run, runOk } from "@/test/rules/netns";

import { ASTERISK_FILTER } from "./fail2ban/filters";
import { ARTEFACT_PATHS, FILTERS } from "./names";

/** fail2ban's annotated Asterisk test log, located through the package that ships it. */
function findStockLog(): string | null {
  const listed = run("dpkg", ["-L", "fail2ban"]);
  if (listed.status !== 0) return null;
  return listed.stdout.split("\n").find((path) => /\/tests\/files\/logs\/asterisk$/.test(path)) ?? null;
}

const STOCK_LOG = findStockLog();
const missing = [
  ...(run("sh", ["-c", "command -v fail2ban-regex >/dev/null"]).status === 0 ? [] : ["fail2ban-regex"]),
  ...(STOCK_LOG === null ? ["fail2ban's test log logs/asterisk (dpkg -L fail2ban)"] : []),
];
const requireAll = isEverySuiteRequired();
if (missing.length > 0 && !requireAll) {
  const line = "*".repeat(100);
  console.warn(`\n${line}\n*** Asterisk filter suite SKIPPED: missing ${missing.join(", ")}\n${line}\n`);
}
const suite = missing.length > 0 && !requireAll ? describe.skip : describe;

/**
 * Cases of the stock log whose annotated host is an address the caller wrote (so Rampart must not count it),
 * by the line's text, with the reason. None today: every stock case names the address Asterisk wrote.
 */
const NEEDS_CALLER_ADDRESS: Readonly<Record<string, string>> = {};

/** One line per residual class of the filter's header: no grammar tells which address Asterisk wrote. */
const RESIDUAL_CLASSES: readonly { name: string; line: string }[] = [
  {
    name: "1. chan_sip Call from, the separator repeated in the user name or dialled extension",
    line: "[2026-12-04 01:00:01] NOTICE[436][C-00000fa9] chan_sip.c: Call from 'x' (203.0.113.66:5060) to extension 'y' (192.0.2.1:5060) to extension '2' rejected because extension not found in context 'default'.",
  },
  {
    name: "2. PJSIP Request whose From is not PJSIP's printed <uri>, the separator repeated",
    line: "[2026-12-04 01:00:02] NOTICE[1943]: res_pjsip/pjsip_distributor.c:676 log_failed_request: Request 'REGISTER' from 'sip:x' failed for '203.0.113.66:5060' (callid: y) - Failed to authenticate' failed for '192.0.2.2:5060' (callid: z) - Failed to authenticate",
  },
  {
    name: "3. AMI ChallengeResponseFailed, a quote in the account id and the pair repeated",
    line: '[2026-12-04 01:00:03] SECURITY[1204]: res_security_log.c:90 security_event_stasis_cb: SecurityEvent="ChallengeResponseFailed",EventTV="2026-12-04T01:00:03.000+0000",Severity="Error",Service="AMI",EventVersion="1",AccountID="a"b",SessionID="0x7fb580001518",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="IPV4/TCP/192.0.2.3/40000",Challenge="1",Response="x",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="IPV4/TCP/203.0.113.66/1",Challenge="1",Response="y",ExpectedResponse="0123456789abcdef0123456789abcdef"',
  },
];

const tempDir = createTempDirs();

/** /etc/fail2ban copied, with Rampart's asterisk filter written where the artefact path puts it. */
function configDir(): string {
  return fail2banConfigWith(tempDir, ARTEFACT_PATHS.asteriskFilter, ASTERISK_FILTER);
}

/** One fail2ban-regex run over all lines: line text → every address any failregex took from it. */
function regexResults(dir: string, lines: readonly string[], filter: string = FILTERS.asterisk): Map<string, string[]> {
  const log = join(tempDir("rampart-regex-"), "input.log");
  writeFileSync(log, `${lines.join("\n")}\n`);
  const out = runOk("fail2ban-regex", ["-c", dir, "-o", "<ip>\t<msg>", log, filter]);
  const results = new Map<string, string[]>();
  for (const row of out.split("\n").filter(Boolean)) {
    const tab = row.indexOf("\t");
    const line = row.slice(tab + 1);
    results.set(line, [...(results.get(line) ?? []), row.slice(0, tab)]);
  }
  return results;
}

interface StockCase {
  line: string;
  host: string | null;
  /** fail2ban's harness prepends this to the line and reads it as a journal entry (filterOptions). */
  journalPrefix: string | null;
}

/** The stock log's cases: each "# failJSON:" line describes the next line; "# filterOptions:" switches sections. */
function stockCases(path: string): StockCase[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const cases: StockCase[] = [];
  let journalPrefix: string | null = null;
  lines.forEach((line, i) => {
    const options = /^# filterOptions: (\[.*\])$/.exec(line);
    if (options !== null) {
      const [first] = JSON.parse(options[1] as string) as { logtype?: string; "test.prefix-line"?: string }[];
      journalPrefix = first?.logtype === "journal" ? (first["test.prefix-line"] ?? "") : null;
      return;
    }
    const annotation = /^# failJSON: (\{.*\})$/.exec(line);
    if (annotation === null) return;
    const json = JSON.parse(annotation[1] as string) as { match: boolean; host?: string };
    cases.push({ line: lines[i + 1] as string, host: json.match ? (json.host ?? null) : null, journalPrefix });
  });
  return cases;
}

// ---------------------------------------------------------------------------------------------------------
// Generated lines in Asterisk 22's formats
// ---------------------------------------------------------------------------------------------------------

const FORGED = ["203.0.113.66", "2001:db8:bad::66", "198.51.100.9"];

/** Separators, quotes and field names of every format, and forged addresses in each shape Asterisk writes them. */
const PIECES = [
  "'",
  '"',
  ",",
  "\\",
  '\\"',
  " ",
  "<",
  ">",
  "(",
  ")",
  ": ",
  "=",
  "/",
  " failed for '",
  "' failed for '203.0.113.66:5060' - Wrong password",
  "' failed for '[2001:db8:bad::66]:5060' (callid: x) - Failed to authenticate",
  "(callid: ",
  ") - ",
  " - No matching endpoint found",
  ") - Failed to authenticate",
  'RemoteAddress="IPV4/UDP/',
  '",LocalAddress="IPV4/UDP/198.51.100.9/5060",RemoteAddress="IPV4/UDP/203.0.113.66/5060',
  ',LocalAddress="IPV6/UDP/2001:db8::1/5060",RemoteAddress="IPV6/UDP/2001:db8:bad::66/5060"',
  '",Challenge="1",Response="',
  '",ExpectedResponse="',
  '",SessionID="0x1",',
  '",ReceivedHash="',
  ",SessionTV=\"",
  ") to extension '",
  "' (203.0.113.66:5060) to extension '",
  ": Call (UDP:203.0.113.66:5060) to extension '",
  "' rejected because extension not found in context 'default'.",
  "' (from 203.0.113.66)",
  "Host 203.0.113.66 failed to authenticate as",
  "203.0.113.66 tried to authenticate with nonexistent user",
  "203.0.113.66",
  "2001:db8:bad::66",
  "[2001:db8:bad::66]:5060",
  '"Rejecting unknown SIP connection from 203.0.113.66"',
  "<sip:x@203.0.113.66>",
  "%(x)s <ADDR> <HOST>",
  "é",
];

/** Caller text: pieces and random printable text; never a line break (a caller line break is out of reach). */
const callerText = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 5 })
  .map((parts) => parts.join("").replace(/[\r\n\t]/g, " "));

const realAddress = fc.oneof(
  fc.integer({ min: 1, max: 254 }).map((n) => `192.0.2.${n}`),
  fc.tuple(fc.integer({ min: 1, max: 0xfffe }), fc.integer({ min: 1, max: 0xfffe })).map(([a, b]) => `2001:db8::${a.toString(16)}:${b.toString(16)}`),
);

const withPort = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
const family = (ip: string) => (ip.includes(":") ? "IPV6" : "IPV4");

/** The display name as PJSIP prints it: a quoted string, quotes and backslashes inside escaped. */
const quoted = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
/** A URI user part as pjsip prints it: what is not allowed unescaped is %-escaped. */
const uriUser = (text: string) => text.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""));
/** A SIP method: a token (no space, quote or separator). */
const token = (text: string) => text.replace(/[^A-Za-z0-9\-.!%*_+`'~]/g, "") || "REGISTER";

interface Generated {
  kind: string;
  line: string;
  host: string;
  /** The grammar decides this line: the filter must find the host. */
  isDecided: boolean;
}

const prefix22 = (level: string, file: string, fn: string) => `[2026-12-04 01:00:00] ${level}[2201][C-00000001]: ${file}:100 ${fn}:`;
const sec = (event: string, service: string, account: string, session: string, local: string, host: string, proto: string, tail: string) =>
  `${prefix22("SECURITY", "res_security_log.c", "security_event_stasis_cb")} SecurityEvent="${event}",EventTV="2026-12-04T01:00:00.000+0000",Severity="Error",Service="${service}",EventVersion="1",AccountID="${account}",SessionID="${session}",LocalAddress="${family(host)}/${proto}/${local}/5060",RemoteAddress="${family(host)}/${proto}/${host}/5061"${tail}`;
const localFor = (host: string) => (host.includes(":") ? "2001:db8::1" : "198.51.100.1");
const count = (text: string, part: string) => text.split(part).length - 1;

const generators: fc.Arbitrary<Generated>[] = [
  fc.record({ host: realAddress, from: callerText }).map(({ host, from }) => ({
    kind: "chan_sip Registration",
    line: `${prefix22("NOTICE", "chan_sip.c", "handle_request_register")} Registration from '${from}' failed for '${withPort(host, 5060)}' - Wrong password`,
    host,
    isDecided: true,
  })),
  fc
    .record({ host: realAddress, method: callerText, display: fc.option(callerText), user: callerText, callid: callerText, tries: fc.boolean() })
    .map(({ host, method, display, user, callid, tries }) => ({
      kind: "PJSIP Request",
      line: `${prefix22("NOTICE", "res_pjsip/pjsip_distributor.c", "log_failed_request")} Request '${token(method)}' from '${display === null ? "" : `"${quoted(display)}" `}<sip:${uriUser(user)}@example.com>' failed for '${withPort(host, 5060)}' (callid: ${callid}) - No matching endpoint found${tries ? " after 5 tries in 2.004 ms" : ""}`,
      host,
      isDecided: true,
    })),
  fc.record({ host: realAddress, exten: callerText }).map(({ host, exten }) => ({
    kind: "PJSIP Call",
    line: `${prefix22("NOTICE", "res_pjsip_session.c", "new_invite")} PJSIP/anonymous-0000000a: Call (UDP:${withPort(host, 5060)}) to extension '${exten}' rejected because extension not found in context 'from-external'.`,
    host,
    isDecided: true,
  })),
  fc.record({ host: realAddress, user: callerText, exten: callerText }).map(({ host, user, exten }) => {
    const line = `${prefix22("NOTICE", "chan_sip.c", "handle_request_invite")} Call from '${user}' (${withPort(host, 5060)}) to extension '${exten}' rejected because extension not found in context 'default'.`;
    return { kind: "chan_sip Call from", line, host, isDecided: count(line, ") to extension '") === 1 };
  }),
  fc.record({ host: realAddress, user: callerText }).map(({ host, user }) => ({
    kind: "IAX2 Host",
    line: `${prefix22("NOTICE", "chan_iax2.c", "authenticate_verify")} Host ${host} failed to authenticate as ${user}`,
    host,
    isDecided: true,
  })),
  fc.record({ host: realAddress, peer: callerText }).map(({ host, peer }) => ({
    kind: "IAX2 No registration",
    line: `${prefix22("NOTICE", "chan_iax2.c", "register_verify")} No registration for peer '${peer}' (from ${host})`,
    host,
    isDecided: true,
  })),
  fc.record({ host: realAddress, user: callerText }).map(({ host, user }) => ({
    kind: "manager",
    line: `${prefix22("NOTICE", "manager.c", "authenticate")} ${host} tried to authenticate with nonexistent user '${user}'`,
    host,
    isDecided: true,
  })),
  fc.record({ host: realAddress, account: callerText, session: callerText }).map(({ host, account, session }) => ({
    kind: "security PJSIP InvalidAccountID",
    line: sec("InvalidAccountID", "PJSIP", account, session, localFor(host), host, "UDP", ""),
    host,
    isDecided: true,
  })),
  fc.record({ host: realAddress, account: callerText, session: callerText, nonce: callerText, response: callerText }).map(({ host, account, session, nonce, response }) => ({
    kind: "security PJSIP ChallengeResponseFailed",
    line: sec("ChallengeResponseFailed", "PJSIP", account, session, localFor(host), host, "UDP", `,Challenge="${quoted(nonce)}",Response="${quoted(response)}",ExpectedResponse=""`),
    host,
    isDecided: true,
  })),
  fc
    .record({ host: realAddress, user: fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/), pointer: fc.integer({ min: 1, max: 0x7fffffff }), challenge: fc.nat(), key: callerText })
    .map(({ host, user, pointer, challenge, key }) => ({
      kind: "security AMI ChallengeResponseFailed",
      line: sec("ChallengeResponseFailed", "AMI", user, `0x${pointer.toString(16)}`, localFor(host), host, "TCP", `,Challenge="${challenge}",Response="${key}",ExpectedResponse="0123456789abcdef0123456789abcdef",SessionTV="2026-12-04T01:00:00.000+0000"`),
      host,
      isDecided: true,
    })),
  fc.record({ host: realAddress, user: callerText, pointer: fc.integer({ min: 1, max: 0x7fffffff }) }).map(({ host, user, pointer }) => ({
    kind: "security AMI InvalidAccountID",
    line: sec("InvalidAccountID", "AMI", user, `0x${pointer.toString(16)}`, localFor(host), host, "TCP", ',SessionTV="2026-12-04T01:00:00.000+0000"'),
    host,
    isDecided: true,
  })),
  fc
    .record({ host: realAddress, account: callerText, session: callerText, nonce: callerText, hash: callerText, isQuoted: fc.boolean() })
    .map(({ host, account, session, nonce, hash, isQuoted }) => {
      // chan_sip's digest parser: a quoted value ends at the next quote, an unquoted one at the next comma.
      const digest = (text: string) => (isQuoted ? text.replace(/"/g, "") : text.replace(/,/g, ""));
      return {
        kind: "security chan_sip InvalidPassword",
        line: sec("InvalidPassword", "SIP", account, session, localFor(host), host, "UDP", `,Challenge="41d26de5",ReceivedChallenge="${digest(nonce)}",ReceivedHash="${digest(hash)}"`),
        host,
        isDecided: true,
      };
    }),
];

suite("Asterisk filter (real fail2ban-regex)", () => {
  if (missing.length > 0) {
    it("has its prerequisites (RAMPART_REQUIRE_ALL=1)", () => {
      throw new Error(`Asterisk filter suite cannot run: missing ${missing.join(", ")}`);
    });
    return;
  }

  it("is the file the VoIP jail names (rampart-asterisk.conf)", () => {
    expect(ARTEFACT_PATHS.asteriskFilter).toBe(`fail2ban/filter.d/${FILTERS.asterisk}.conf`);
  });

  it("matches every case of fail2ban's own Asterisk test log as annotated", () => {
    const cases = stockCases(STOCK_LOG as string);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const dir = configDir();
    const files = cases.filter((c) => c.journalPrefix === null);
    const journal = cases.filter((c) => c.journalPrefix !== null);
    const fileResults = regexResults(dir, files.map((c) => c.line));
    const journalResults = regexResults(dir, journal.map((c) => `${c.journalPrefix}${c.line}`), `${FILTERS.asterisk}[logtype=journal]`);
    expect(journal.length).toBeGreaterThan(0);
    for (const c of cases) {
      if (c.line in NEEDS_CALLER_ADDRESS) continue;
      const text = c.journalPrefix === null ? c.line : `${c.journalPrefix}${c.line}`;
      const got = [...new Set((c.journalPrefix === null ? fileResults : journalResults).get(text) ?? [])];
      expect([c.line, got]).toEqual([c.line, c.host === null ? [] : [c.host]]);
    }
    for (const line of Object.keys(NEEDS_CALLER_ADDRESS)) expect(fileResults.get(line) ?? []).toEqual([]);
  });

  it("never counts a line of a residual class, and the header names each class", () => {
    const results = regexResults(configDir(), RESIDUAL_CLASSES.map((c) => c.line));
    for (const { name, line } of RESIDUAL_CLASSES) expect([name, results.get(line) ?? []]).toEqual([name, []]);
    const header = ASTERISK_FILTER.slice(ASTERISK_FILTER.indexOf("# Residual classes"), ASTERISK_FILTER.indexOf("# Deliberately"));
    expect(header.match(/^# {2}\d\. /gm)).toHaveLength(RESIDUAL_CLASSES.length);
  });

  it("finds the address Asterisk wrote or nothing, whatever the caller's fields hold (Asterisk 22 formats)", () => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const samples = generators.flatMap((generator, i) => fc.sample(generator, { numRuns: 80, seed: seed + i }));
    const results = regexResults(configDir(), samples.map((s) => s.line));
    const found = new Map<string, { total: number; found: number }>();
    for (const s of samples) {
      const got = [...new Set(results.get(s.line) ?? [])];
      // Never anything but the address Asterisk wrote ...
      expect([`seed ${seed}`, s.line, got.filter((ip) => ip !== s.host)]).toEqual([`seed ${seed}`, s.line, []]);
      // ... and always that address where the grammar decides.
      if (s.isDecided) expect([`seed ${seed}`, s.line, got]).toEqual([`seed ${seed}`, s.line, [s.host]]);
      const tally = found.get(s.kind) ?? { total: 0, found: 0 };
      found.set(s.kind, { total: tally.total + 1, found: tally.found + (got.length > 0 ? 1 : 0) });
    }
    for (const forged of FORGED) expect([...results.values()].flat()).not.toContain(forged);
    // Every format is found on most of its lines (on all of them but chan_sip's Call from, residual class 1,
    // where the random fields repeat the separator about a third of the time): "nothing" everywhere cannot pass.
    expect(found.size).toBe(generators.length);
    for (const [kind, { total, found: hits }] of found) expect([kind, hits / total > 0.5]).toEqual([kind, true]);
  });
});
