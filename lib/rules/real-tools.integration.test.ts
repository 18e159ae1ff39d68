/**
 * Every rendered artefact, checked by the real tools, as root, in throw-away network namespaces:
 * `ipset restore` + swap, `iptables-restore --noflush` / `ip6tables-restore --noflush` (twice: idempotent, and
 * fail2ban's chain survives), `fail2ban-client -t` and `-d` on a copy of /etc/fail2ban with the rendered files,
 * `fail2ban-regex` over the annotated sample log and over generated forged lines, and a real fail2ban server
 * banning into Rampart's ipset sets.
 *
 * Not root or a tool missing: the suite fails when RAMPART_REQUIRE_ALL=1, and otherwise is skipped with a loud
 * warning.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

import type { PolicySnapshot } from "@/lib/validation/policy";

import { ARTEFACT_PATHS, CHAINS } from "./names";
import { renderRuleset, type RenderedRuleset } from "./render";
import { writeArtefacts } from "./write";
import { FIXED_NOW, GOLDEN_POLICIES, TINY_GEOIP, typicalSingleTenantPolicy } from "./testing/fixtures";
import {
  agentNode,
  applyWithAgent,
  chainRules,
  hookPositions,
  isEverySuiteRequired,
  listSets,
  missingPrerequisites,
  Netns,
  run,
  runOk,
  setEntries,
} from "@/test/rules/netns";

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLE_LOG = join(HERE, "fail2ban", "sample-asterisk.log");
const FORGED = ["203.0.113.66", "2001:db8:bad::66"];

const missing = missingPrerequisites();
const requireAll = isEverySuiteRequired();
if (missing.length > 0 && !requireAll) {
  const line = "*".repeat(100);
  console.warn(`\n${line}\n*** lib/rules real-tool suite SKIPPED: missing ${missing.join(", ")}\n${line}\n`);
}

const suite = missing.length > 0 && !requireAll ? describe.skip : describe;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const namespaces: Netns[] = [];
const tempDirs: string[] = [];

function newNamespace(): Netns {
  const ns = Netns.create("rampart-test");
  namespaces.push(ns);
  return ns;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

interface Rendered {
  result: RenderedRuleset;
  dir: string;
  logDir: string;
}

/** Renders with log paths inside a temporary directory (fail2ban refuses missing log files) and writes the files. */
async function renderTo(policy: unknown, extraNode: Record<string, unknown> = {}): Promise<Rendered> {
  const dir = tempDir("rampart-artefacts-");
  const logDir = join(dir, "logs");
  const logPaths = {
    asteriskMessages: join(logDir, "asterisk-messages"),
    asteriskSecurity: join(logDir, "asterisk-security"),
    freepbxSecurity: join(logDir, "freepbx_security.log"),
    webServerError: join(logDir, "apache-error.log"),
    fail2ban: join(logDir, "fail2ban.log"),
  };
  const result = renderRuleset(policy, { nodeName: "test", tags: [], logPaths, ...extraNode }, TINY_GEOIP, { now: FIXED_NOW });
  await writeArtefacts(dir, result.files);
  await writeArtefacts(logDir, { "asterisk-messages": "", "asterisk-security": "", "freepbx_security.log": "", "apache-error.log": "", "fail2ban.log": "" });
  return { result, dir, logDir };
}

/** /etc/fail2ban copied, the distribution's jail.d dropped (its sshd jail reads a log this machine may lack), ours added. */
function fail2banConfigDir(rendered: Rendered): string {
  const dir = tempDir("rampart-f2b-");
  cpSync("/etc/fail2ban", dir, { recursive: true });
  rmSync(join(dir, "jail.d"), { recursive: true, force: true });
  cpSync(join(rendered.dir, "fail2ban"), dir, { recursive: true });
  return dir;
}

function renderedRules(rendered: Rendered, family: 4 | 6, chain: string): string[] {
  const file = rendered.result.files[family === 4 ? ARTEFACT_PATHS.iptables : ARTEFACT_PATHS.ip6tables] as string;
  return file.split("\n").filter((line) => line.startsWith(`-A ${chain} `));
}

/** fail2ban-regex with one "<ip>\t<line>" per matched line: line text → matched address. */
function regexMatches(configDir: string, filter: string, lines: readonly string[]): Map<string, string> {
  const logDir = tempDir("rampart-regex-");
  const log = join(logDir, "input.log");
  writeFileSync(log, `${lines.join("\n")}\n`);
  const out = runOk("fail2ban-regex", ["-c", configDir, "-o", "<ip>\t<msg>", log, filter]);
  const matches = new Map<string, string>();
  for (const row of out.split("\n").filter(Boolean)) {
    const tab = row.indexOf("\t");
    matches.set(row.slice(tab + 1), row.slice(0, tab));
  }
  return matches;
}

const randomOctet = () => Math.floor(Math.random() * 254) + 1;
const randomHex = () => Math.floor(Math.random() * 0xfffe + 1).toString(16);

// ---------------------------------------------------------------------------------------------------------

suite("real tools", () => {
  if (missing.length > 0) {
    it("has its prerequisites (RAMPART_REQUIRE_ALL=1)", () => {
      throw new Error(`real-tool suite cannot run: missing ${missing.join(", ")}`);
    });
    return;
  }

  afterAll(() => {
    for (const ns of namespaces) ns.destroy();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    const left = runOk("ip", ["netns", "list"]);
    for (const ns of namespaces) expect(left).not.toContain(ns.name);
  });

  describe("ipset and iptables", () => {
    const policies: [string, () => PolicySnapshot][] = [
      ...Object.entries(GOLDEN_POLICIES),
      [
        "extreme rate limits",
        () => {
          const p = typicalSingleTenantPolicy();
          return {
            ...p,
            rateLimit: {
              ...p.rateLimit,
              packetsPerSecond: 10_000,
              burst: 100_000,
              registerHits: 1000,
              registerWindowSeconds: 3600,
              inviteHits: 1,
              inviteWindowSeconds: 1,
              sipPorts: Array.from({ length: 16 }, (_, i) => 5060 + i * 7),
              transports: ["UDP", "TCP", "TLS"],
              rtpPortMin: 65535,
              rtpPortMax: 65535,
            },
            platform: { sshPorts: Array.from({ length: 16 }, (_, i) => 22 + i), webPorts: [80, 443, 8080] },
          };
        },
      ],
      [
        "small rate, default burst",
        () => {
          const p = typicalSingleTenantPolicy();
          return { ...p, rateLimit: { ...p.rateLimit, packetsPerSecond: 7, burst: 5 } };
        },
      ],
    ];

    for (const [name, makePolicy] of policies) {
      it(`loads the ${name} artefacts, leaves fail2ban's chain alone and re-applies idempotently`, async () => {
        const rendered = await renderTo(makePolicy());
        const manifest = rendered.result.manifest;
        const ns = newNamespace();
        const node = agentNode();
        for (const tool of ["iptables", "ip6tables"]) {
          ns.execOk(tool, ["-N", "f2b-asterisk"]);
          ns.execOk(tool, ["-A", "f2b-asterisk", "-j", "RETURN"]);
          ns.execOk(tool, ["-I", "INPUT", "1", "-j", "f2b-asterisk"]);
        }

        applyWithAgent(ns, node, rendered.result);

        const check = () => {
          for (const family of [4, 6] as const) {
            for (const chain of Object.values(CHAINS)) {
              // What the kernel holds, as iptables prints it, is exactly what was rendered.
              expect(chainRules(ns, family, chain)).toEqual(renderedRules(rendered, family, chain));
            }
            expect(hookPositions(ns, family)).toEqual([1]);
            expect(chainRules(ns, family, "f2b-asterisk")).toEqual(["-A f2b-asterisk -j RETURN"]);
            const tool = family === 4 ? "iptables" : "ip6tables";
            expect(ns.execOk(tool, ["-S", "INPUT"])).toContain("-A INPUT -j f2b-asterisk");
          }
          const live = listSets(ns);
          for (const set of manifest.sets) {
            expect(live.has(set.name)).toBe(true);
            if (set.tempName !== null) expect(live.has(set.tempName)).toBe(false);
            if (set.entries !== null) expect(setEntries(ns, set.name)).toBe(set.entries);
          }
        };
        check();

        // Something inserted above our jump since (an administrator, fail2ban's own actions) ...
        ns.execOk("iptables", ["-I", "INPUT", "1", "-s", "198.51.100.200", "-j", "DROP"]);
        // ... and a ban fail2ban made into a persistent set.
        const banSet = manifest.sets.find((s) => s.lifecycle === "persistent" && s.family === 4);
        if (banSet !== undefined) ns.execOk("ipset", ["-exist", "add", banSet.name, "192.0.2.77", "timeout", "0"]);

        applyWithAgent(ns, node, rendered.result);
        check();
        expect(ns.execOk("iptables", ["-S", "INPUT"])).toContain("-A INPUT -s 198.51.100.200/32 -j DROP");
        if (banSet !== undefined) expect(ns.exec("ipset", ["test", banSet.name, "192.0.2.77"]).status).toBe(0);
      });
    }

    it("swaps new list contents in atomically, renames sets whose type changed and destroys stale ones", async () => {
      const ns = newNamespace();
      const node = agentNode();
      const first = await renderTo(typicalSingleTenantPolicy());
      applyWithAgent(ns, node, first.result);
      expect(listSets(ns).has("rampart-bl6-ip")).toBe(true);

      const p = typicalSingleTenantPolicy();
      const second = await renderTo({
        ...p,
        blocklist: [...p.blocklist, { network: "198.51.100.99", comment: "new" }, { network: "2001:db8:66::/48", comment: "v6 net" }],
        geoip: { mode: "FULL_SERVER", countries: ["DE"] },
      });
      applyWithAgent(ns, node, second.result);
      const live = listSets(ns);
      expect(ns.exec("ipset", ["test", "rampart-bl4-net", "198.51.100.99"]).status).toBe(0);
      expect(live.has("rampart-bl6-net")).toBe(true); // hash:ip → hash:net: new name
      expect(live.has("rampart-bl6-ip")).toBe(false); // stale, destroyed after the rules moved on
      expect(live.has("rampart-geo4-net")).toBe(true);
      expect([...live].filter((name) => name.endsWith("-new"))).toEqual([]);
      expect(chainRules(ns, 6, CHAINS.input)).toEqual(renderedRules(second, 6, CHAINS.input));

      // And back: GeoIP off again removes its sets.
      applyWithAgent(ns, node, first.result);
      expect(listSets(ns).has("rampart-geo4-net")).toBe(false);
    });

    it("creates the ban sets with the parameters the fail2ban action uses", async () => {
      const ns = newNamespace();
      const node = agentNode();
      const rendered = await renderTo(typicalSingleTenantPolicy());
      applyWithAgent(ns, node, rendered.result);
      // actionstart of rampart-ipset.conf, as fail2ban would run it: must be a no-op on the existing set.
      const action = rendered.result.files[ARTEFACT_PATHS.banAction] as string;
      const start = /^actionstart = (.*)$/m.exec(action)?.[1] ?? "";
      for (const [set, family] of [["rampart-f2b-voip4", "inet"], ["rampart-f2b-voip6", "inet6"]] as const) {
        const argv = start.replace("<ipmset>", set).replace("<ipsetfamily>", family).split(" ");
        ns.execOk(argv[0] as string, argv.slice(1));
      }
    });
  });

  describe("fail2ban", () => {
    for (const [name, makePolicy] of Object.entries(GOLDEN_POLICIES)) {
      it(`accepts the ${name} configuration (fail2ban-client -t) and reads the jails as rendered (-d)`, async () => {
        const rendered = await renderTo(makePolicy());
        const dir = fail2banConfigDir(rendered);
        const test = run("fail2ban-client", ["-c", dir, "-t"]);
        expect(test.status, test.stderr + test.stdout).toBe(0);
        expect(test.stdout + test.stderr).toMatch(/OK: configuration test is successful/);

        const dump = runOk("fail2ban-client", ["-c", dir, "-d"]);
        for (const jail of rendered.result.model.jails) {
          expect(dump).toContain(`['add', '${jail.name}', 'auto']`);
          expect(dump).toContain(`['set', '${jail.name}', 'maxretry', ${jail.maxRetry}]`);
          expect(dump).toContain(`['set', '${jail.name}', 'bantime', '${jail.banTimeSeconds}']`);
          expect(dump).toContain(`['set', '${jail.name}', 'addignoreip', ${jail.ignoreIp.map((ip) => `'${ip}'`).join(", ")}]`);
          expect(dump).toContain(`['set', '${jail.name}', 'addaction', 'rampart-ipset']`);
          const action = dump.split("\n").find((line) => line.startsWith(`['multi-set', '${jail.name}', 'action', 'rampart-ipset',`)) ?? "";
          expect(action).toContain("['actionban', 'ipset -exist add <ipmset> <ip> timeout 0']");
          expect(action).toContain(`['setbase', '${jail.banSetBase}']`);
          for (const path of jail.logPaths) expect(dump).toContain(`['set', '${jail.name}', 'addlogpath', '${path}', 'head']`);
          expect(dump).not.toContain("sendmail");
        }
        const jailsInDump = [...dump.matchAll(/\['add', '([^']+)', /g)].map((m) => m[1]);
        expect(jailsInDump).toEqual(rendered.result.model.jails.map((j) => j.name));
      });
    }

    it("matches every line of the sample log as annotated, each regex at least once", async () => {
      const rendered = await renderTo(typicalSingleTenantPolicy());
      const dir = fail2banConfigDir(rendered);
      const expected: { line: string; host: string | null }[] = [];
      const lines = readFileSync(SAMPLE_LOG, "utf8").split("\n");
      lines.forEach((line, i) => {
        const annotation = /^# failJSON: (\{.*\})$/.exec(line);
        if (annotation === null) return;
        const json = JSON.parse(annotation[1] as string) as { match: boolean; host?: string };
        expected.push({ line: lines[i + 1] as string, host: json.match ? (json.host ?? null) : null });
      });
      expect(expected.length).toBeGreaterThan(60);
      const matches = regexMatches(dir, "rampart-asterisk", expected.map((e) => e.line));
      for (const { line, host } of expected) expect([line, matches.get(line) ?? null]).toEqual([line, host]);
      for (const forged of FORGED) expect([...matches.values()]).not.toContain(forged);

      // Per-regex hit counts from fail2ban-regex's summary.
      const summary = runOk("fail2ban-regex", ["-c", dir, SAMPLE_LOG, "rampart-asterisk"]);
      const failregexSection = summary.slice(summary.indexOf("Failregex:"), summary.indexOf("Ignoreregex:"));
      const hits = [...failregexSection.matchAll(/^\|\s+(\d+)\) \[(\d+)\]/gm)].map((m) => Number(m[2]));
      expect(hits).toHaveLength(13);
      for (const count of hits) expect(count).toBeGreaterThan(0);
    });

    it("finds the offender and never a forged address in generated hostile lines (held out from the sample)", async () => {
      const rendered = await renderTo(typicalSingleTenantPolicy());
      const dir = fail2banConfigDir(rendered);
      const pieces = [
        "' failed for '203.0.113.66:5060' - Wrong password",
        "' failed for '[2001:db8:bad::66]:5060' (callid: x) - Failed to authenticate",
        ") to extension '1",
        "' (203.0.113.66:5060) to extension '",
        "' (from 203.0.113.66)",
        '",RemoteAddress="IPV4/UDP/203.0.113.66/5060',
        'RemoteAddress="IPV6/UDP/2001:db8:bad::66/5060"',
        "203.0.113.66",
        "2001:db8:bad::66",
        "Host 203.0.113.66 failed to authenticate as",
        ": ",
        "'",
        '"',
        '\\"',
        "\\",
        "(",
        ")",
        "<sip:x@203.0.113.66>",
        " - Wrong password",
        "%(x)s $(id) `id`",
      ];
      const hostile = () => {
        let text = "";
        const n = Math.floor(Math.random() * 4);
        for (let i = 0; i < n; i++) text += pieces[Math.floor(Math.random() * pieces.length)] + (Math.random() < 0.5 ? "x" : "");
        return text;
      };
      const real = () =>
        Math.random() < 0.7 ? `192.0.2.${randomOctet()}` : `2001:db8::${randomHex()}:${randomHex()}`;
      const withPort = (ip: string, port = 5060) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
      const cases: { line: string; host: string; mustMatch: boolean }[] = [];
      for (let i = 0; i < 400; i++) {
        const host = real();
        const u = hostile();
        const v = hostile();
        const p = `[2025-03-01 10:00:00] NOTICE[${10000 + i}]`;
        const escapedDisplay = u.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
        const uri = `sip:${u.replace(/[\s>]/g, "")}@example.com`;
        switch (i % 8) {
          case 0:
            cases.push({ line: `${p} chan_sip.c: Registration from '${u}' failed for '${withPort(host)}' - Wrong password`, host, mustMatch: true });
            break;
          case 1:
            cases.push({
              line: `${p} res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"${escapedDisplay}" <${uri}>' failed for '${withPort(host)}' (callid: ${v}) - Failed to authenticate`,
              host,
              mustMatch: true,
            });
            break;
          case 2: {
            const ambiguous = `${u}${v}`.includes(") to extension '");
            cases.push({
              line: `${p} chan_sip.c: Call from '${u}' (${withPort(host)}) to extension '${v}' rejected because extension not found in context 'default'.`,
              host,
              mustMatch: !ambiguous,
            });
            break;
          }
          case 3:
            if (host.includes(":")) {
              cases.push({ line: `${p} manager.c: ${host} failed to authenticate as '${u}'`, host, mustMatch: true });
            } else {
              cases.push({ line: `${p} chan_iax2.c: Host ${host} failed to authenticate as '${u}'`, host, mustMatch: true });
            }
            break;
          case 4:
            cases.push({ line: `${p} chan_iax2.c: No registration for peer '${u}' (from ${host})`, host, mustMatch: true });
            break;
          case 5:
            cases.push({ line: `${p} manager.c: ${host} tried to authenticate with nonexistent user '${u}'`, host, mustMatch: true });
            break;
          case 6: {
            const family = host.includes(":") ? "IPV6" : "IPV4";
            const ambiguous = `${u}${v}`.includes(",RemoteAddress=");
            cases.push({
              line: `${p.replace("NOTICE", "SECURITY")} res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2025-03-01T10:00:00.000+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${u}",SessionID="${v}",LocalAddress="${family}/UDP/198.51.100.1/5060",RemoteAddress="${family}/UDP/${host}/5060"`,
              host,
              mustMatch: !ambiguous,
            });
            break;
          }
          default: {
            const ambiguous = `${u}${v}`.includes(",RemoteAddress=");
            cases.push({
              line: `${p.replace("NOTICE", "SECURITY")} res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="2025-03-01T10:00:00.000+0000",Severity="Error",Service="AMI",EventVersion="1",AccountID="${u}",SessionID="0x7fb580001518",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="${host.includes(":") ? "IPV6" : "IPV4"}/TCP/${host}/62389",Challenge="1",Response="${v}",ExpectedResponse=""`,
              host,
              mustMatch: !ambiguous,
            });
          }
        }
      }
      const matches = regexMatches(dir, "rampart-asterisk", cases.map((c) => c.line));
      let detected = 0;
      for (const c of cases) {
        const got = matches.get(c.line) ?? null;
        // Never anything but the offender ...
        if (got !== null) expect([c.line, got]).toEqual([c.line, c.host]);
        // ... and always the offender where the line is unambiguous.
        if (c.mustMatch) expect([c.line, got]).toEqual([c.line, c.host]);
        if (got !== null) detected++;
      }
      for (const forged of FORGED) expect([...matches.values()]).not.toContain(forged);
      expect(detected).toBeGreaterThan(cases.length * 0.8);
    });

    it("bans into Rampart's ipset sets with a real fail2ban server, and never a whitelisted address", async () => {
      const p = typicalSingleTenantPolicy();
      const rendered = await renderTo(p);
      const dir = fail2banConfigDir(rendered);
      const runtime = tempDir("rampart-f2b-run-");
      writeFileSync(
        join(dir, "fail2ban.d", "zz-rampart-test.local"),
        [
          "[Definition]",
          `logtarget = ${join(rendered.logDir, "fail2ban.log")}`,
          `socket = ${join(runtime, "fail2ban.sock")}`,
          `pidfile = ${join(runtime, "fail2ban.pid")}`,
          "dbfile = :memory:",
          "",
        ].join("\n"),
      );
      const ns = newNamespace();
      const node = agentNode();
      applyWithAgent(ns, node, rendered.result);
      ns.execOk("fail2ban-client", ["-c", dir, "-x", "start"]);
      try {
        const messages = join(rendered.logDir, "asterisk-messages");
        const stamp = () => {
          const d = new Date();
          const pad = (n: number) => String(n).padStart(2, "0");
          return `[${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}]`;
        };
        for (let i = 0; i < 6; i++) {
          appendFileSync(
            messages,
            [
              `${stamp()} NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '192.0.2.123:5060' - Wrong password`,
              `${stamp()} NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '[2001:db8::123]:5060' - Wrong password`,
              `${stamp()} NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '192.0.2.50:5060' - Wrong password`,
              `${stamp()} NOTICE[1] chan_sip.c: Registration from '"203.0.113.66" <sip:203.0.113.66@x>' failed for '192.0.2.124:5060' - Wrong password`,
              "",
            ].join("\n"),
          );
        }
        const banned = (set: string, ip: string) => ns.exec("ipset", ["test", set, ip]).status === 0;
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && !(banned("rampart-f2b-voip4", "192.0.2.123") && banned("rampart-f2b-voip6", "2001:db8::123") && banned("rampart-f2b-voip4", "192.0.2.124"))) {
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(banned("rampart-f2b-voip4", "192.0.2.123")).toBe(true);
        expect(banned("rampart-f2b-voip6", "2001:db8::123")).toBe(true);
        expect(banned("rampart-f2b-voip4", "192.0.2.124")).toBe(true);
        expect(banned("rampart-f2b-voip4", "192.0.2.50")).toBe(false); // whitelisted: in ignoreip
        expect(banned("rampart-f2b-voip4", "203.0.113.66")).toBe(false); // forged in the From header
        // One rule per ban set, never one per ban.
        expect(chainRules(ns, 4, CHAINS.input).filter((r) => r.includes("rampart-f2b-voip4"))).toHaveLength(1);
        expect(ns.execOk("iptables", ["-S"]).split("\n").filter((r) => r.includes("192.0.2.123"))).toEqual([]);
      } finally {
        ns.exec("fail2ban-client", ["-c", dir, "stop"]);
      }
      // actionstop flushes the sets: stopping fail2ban lifts its bans, as with fail2ban's own actions.
      expect(setEntries(ns, "rampart-f2b-voip4")).toBe(0);
    }, 60_000);
  });
});
