/**
 * The web jails' filters, checked by the real `fail2ban-regex` over real log lines: Rampart's rampart-web filter
 * over FreePBX's security log (fail2ban/sample-freepbx-security.log) and fail2ban's stock apache-auth filter,
 * which the web server jail names, over Apache's error log (fail2ban/sample-apache-error.log). Every annotated
 * line must give exactly its address or nothing, a forged address never, and generated hostile usernames must
 * not move the address either.
 *
 * fail2ban-regex or the stock filter missing: the suite fails when RAMPART_REQUIRE_ALL=1, and otherwise is
 * skipped with a loud warning.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { createTempDirs, fail2banConfigWith } from "@/test/rules/fail2ban-config";
import { isEverySuiteRequired, run, runOk } from "@/test/rules/netns";

import { STOCK_APACHE_AUTH_FILTER, WEB_FILTER } from "./fail2ban/filters";
import { ARTEFACT_PATHS, FILTERS, JAILS } from "./names";

const HERE = dirname(fileURLToPath(import.meta.url));
const FREEPBX_LOG = join(HERE, "fail2ban", "sample-freepbx-security.log");
const APACHE_LOG = join(HERE, "fail2ban", "sample-apache-error.log");
const FORGED = ["203.0.113.66", "2001:db8:bad::66"];

const missing = [
  ...(run("sh", ["-c", "command -v fail2ban-regex >/dev/null"]).status === 0 ? [] : ["fail2ban-regex"]),
  ...(existsSync(`/etc/fail2ban/filter.d/${STOCK_APACHE_AUTH_FILTER}.conf`) ? [] : [`/etc/fail2ban/filter.d/${STOCK_APACHE_AUTH_FILTER}.conf`]),
];
const requireAll = isEverySuiteRequired();
if (missing.length > 0 && !requireAll) {
  const line = "*".repeat(100);
  console.warn(`\n${line}\n*** web filter suite SKIPPED: missing ${missing.join(", ")}\n${line}\n`);
}
const suite = missing.length > 0 && !requireAll ? describe.skip : describe;

const tempDir = createTempDirs();

/** /etc/fail2ban copied, with Rampart's web filter written where the artefact path puts it. */
function configDir(): string {
  return fail2banConfigWith(tempDir, ARTEFACT_PATHS.webFilter, WEB_FILTER);
}

/** Annotated lines of a sample log: the line after each "# failJSON:" and the address it must give (or null). */
function annotated(path: string): { line: string; host: string | null }[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const out: { line: string; host: string | null }[] = [];
  lines.forEach((line, i) => {
    const annotation = /^# failJSON: (\{.*\})$/.exec(line);
    if (annotation === null) return;
    const json = JSON.parse(annotation[1] as string) as { match: boolean; host?: string };
    out.push({ line: lines[i + 1] as string, host: json.match ? (json.host ?? null) : null });
  });
  return out;
}

/** fail2ban-regex with one "<ip>\t<line>" per matched line: line text → matched address. */
function regexMatches(dir: string, filter: string, lines: readonly string[]): Map<string, string> {
  const log = join(tempDir("rampart-regex-"), "input.log");
  writeFileSync(log, `${lines.join("\n")}\n`);
  const out = runOk("fail2ban-regex", ["-c", dir, "-o", "<ip>\t<msg>", log, filter]);
  const matches = new Map<string, string>();
  for (const row of out.split("\n").filter(Boolean)) {
    const tab = row.indexOf("\t");
    matches.set(row.slice(tab + 1), row.slice(0, tab));
  }
  return matches;
}

suite("web jail filters (real fail2ban-regex)", () => {
  if (missing.length > 0) {
    it("has its prerequisites (RAMPART_REQUIRE_ALL=1)", () => {
      throw new Error(`web filter suite cannot run: missing ${missing.join(", ")}`);
    });
    return;
  }

  it("the FreePBX filter is the file the web jail names (rampart-web.conf)", () => {
    expect(ARTEFACT_PATHS.webFilter).toBe(`fail2ban/filter.d/${FILTERS.web}.conf`);
  });

  it("matches FreePBX's GUI and UCP failed logins as annotated, never a forged address", () => {
    const dir = configDir();
    const expected = annotated(FREEPBX_LOG);
    expect(expected.length).toBeGreaterThanOrEqual(14);
    const matches = regexMatches(dir, FILTERS.web, expected.map((e) => e.line));
    for (const { line, host } of expected) expect([line, matches.get(line) ?? null]).toEqual([line, host]);
    for (const forged of FORGED) expect([...matches.values()]).not.toContain(forged);
    // Both GUI and UCP lines, IPv4 and IPv6, and the FreePBX 14 date are among the matches.
    expect(new Set(matches.values())).toEqual(new Set(["192.0.2.20", "2001:db8::20", "192.0.2.21", "192.0.2.22", "192.0.2.23", "192.0.2.24", "192.0.2.30", "192.0.2.40"]));
  });

  it("dates FreePBX's lines from their own time stamp (both date formats), not the time they are read", () => {
    const summary = runOk("fail2ban-regex", ["-c", configDir(), FREEPBX_LOG, FILTERS.web]);
    expect(summary).toMatch(/\[\d+\] \{\^LN-BEG\}Year-Month-Day 24hour:Minute:Second/);
    expect(summary).toMatch(/\[1\] \{\^LN-BEG\}Year-MON-Day 24hour:Minute:Second/);
    expect(summary).toMatch(/Lines: \d+ lines, 0 ignored, 9 matched/);
  });

  it("takes the address FreePBX wrote, whatever a hostile username contains (held out from the sample)", () => {
    const dir = configDir();
    const usernames = [
      "x from 203.0.113.66",
      "x from 203.0.113.66 [] []",
      "from 2001:db8:bad::66 [] [] ",
      "[freepbx_security.NOTICE]: Authentication failure for y from 203.0.113.66 [] []",
      "a' from '203.0.113.66",
      " ",
      "%(host)s <ADDR> <HOST>",
    ];
    const lines = usernames.map((user, i) => `[2026-12-02 20:00:${String(i).padStart(2, "0")}] [freepbx_security.NOTICE]: Authentication failure for ${user} from 192.0.2.${100 + i} [] []`);
    const matches = regexMatches(dir, FILTERS.web, lines);
    lines.forEach((line, i) => expect([line, matches.get(line) ?? null]).toEqual([line, `192.0.2.${100 + i}`]));
  });

  it("the web server jail's stock apache-auth filter matches Apache's HTTP auth failures as annotated", () => {
    expect(FILTERS.webAuth).toBe(STOCK_APACHE_AUTH_FILTER);
    const dir = configDir();
    const expected = annotated(APACHE_LOG);
    expect(expected.length).toBeGreaterThanOrEqual(7);
    const matches = regexMatches(dir, FILTERS.webAuth, expected.map((e) => e.line));
    for (const { line, host } of expected) expect([line, matches.get(line) ?? null]).toEqual([line, host]);
    for (const forged of FORGED) expect([...matches.values()]).not.toContain(forged);
  });

  it("the jails load: fail2ban-client -t accepts both filters on their log files", () => {
    const dir = configDir();
    const logs = tempDir("rampart-web-logs-");
    const freepbx = join(logs, "freepbx_security.log");
    const apache = join(logs, "error.log");
    writeFileSync(freepbx, "");
    writeFileSync(apache, "");
    // The distribution's jail.d enables sshd, whose log this machine may lack.
    rmSync(join(dir, "jail.d"), { recursive: true, force: true });
    writeFileSync(
      join(dir, "jail.local"),
      [
        "[DEFAULT]",
        "backend = auto",
        "usedns = no",
        `[${JAILS.web}]`,
        "enabled = true",
        `filter = ${FILTERS.web}`,
        `logpath = ${freepbx}`,
        "action =",
        `[${JAILS.webAuth}]`,
        "enabled = true",
        `filter = ${FILTERS.webAuth}`,
        `logpath = ${apache}`,
        "action =",
        "",
      ].join("\n"),
    );
    const result = run("fail2ban-client", ["-c", dir, "-t"]);
    expect(result.status, result.stderr + result.stdout).toBe(0);
  });
});
