/**
 * Fuzzes the compiler with random and hostile policies (quotes, line breaks, `$(...)`, `%(...)s`, section
 * headers, rule text, huge and fractional numbers). Every policy is either refused by validation (AppError
 * VALIDATION, nothing rendered) or rendered to files whose structure is exactly what the validated model
 * predicts: the expected number of lines, sets, members, chains, rules, sections and keys, and every line in
 * its format's grammar, with free text only inside quotes and only from the allow-list.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { parseNetwork } from "@/lib/net/parse";
import { COMMENT_PATTERN, type PolicySnapshot } from "@/lib/validation/policy";

import { ASTERISK_FILTER, BAN_ACTION_CONF, WEB_FILTER } from "./fail2ban/filters";
import type { RulesetModel } from "./model";
import { ARTEFACT_PATHS, GUARD_ARTEFACT_PATHS } from "./names";
import { renderRuleset, type RenderedRuleset } from "./render";
import { FIXED_NOW, TINY_GEOIP, typicalSingleTenantPolicy } from "./testing/fixtures";

const RUNS = 10_000;

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

/** Text that would break one of the formats if it got through unquoted or unvalidated. */
const HOSTILE_SNIPPETS = [
  '"',
  "'",
  "\\",
  "\n",
  "\r\n",
  "$(reboot)",
  "`id`",
  "%(known/action)s",
  "%%",
  "[sshd]\nenabled = true",
  "\n-A INPUT -j ACCEPT",
  "x\" -j ACCEPT #",
  "COMMIT\n*filter",
  "\u0000",
  "\u2028",
  "é",
  "ignoreip = 0.0.0.0/0",
  "1.2.3.4\nadd rampart-wl4-net-new 0.0.0.0/1",
  " ".repeat(300),
  "a".repeat(201),
];

/** Allowed by the allow-lists, yet meaningful to some format: must still stay inside quotes. */
const TRICKY_BUT_VALID = [
  "-A INPUT -j ACCEPT",
  "[sshd]",
  "# not a comment",
  "COMMIT",
  "enabled = true",
  "a; b & c | d < e > f",
  "add rampart-wl4-ip-new 0.0.0.0/1",
  "{x} (y) ~z ^w *v +u =t ?s !r",
  "",
  " leading and trailing ",
];

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_SNIPPETS),
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...HOSTILE_SNIPPETS), fc.string({ maxLength: 6 })).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 10 }),
);
const validComment = fc.oneof(
  fc.constantFrom(...TRICKY_BUT_VALID),
  fc.stringMatching(/^[ -!#&(-[\]-_a-~]{0,40}$/),
);
const comment = fc.oneof({ arbitrary: validComment, weight: 100 }, { arbitrary: hostileText, weight: 1 });

const ipv4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 32 })).map(([value, prefix]) => {
  const masked = prefix === 32 ? value : (value >>> (32 - prefix)) * 2 ** (32 - prefix);
  const text = `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}`;
  return prefix === 32 ? text : `${text}/${prefix}`;
});
const ipv6 = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 128 }))
  .map(([words, prefix]) => {
    const parsed = parseNetwork(words.map((w) => w.toString(16)).join(":"));
    if (!parsed.ok) return "2001:db8::1"; // IPv4-mapped draws
    const big = BigInt(`0x${words.map((w) => w.toString(16).padStart(4, "0")).join("")}`);
    const masked = prefix === 128 ? big : (big >> BigInt(128 - prefix)) << BigInt(128 - prefix);
    const hex = masked.toString(16).padStart(32, "0").match(/.{4}/g) ?? [];
    const network = parseNetwork(`${hex.join(":")}/${prefix}`);
    return network.ok ? network.value.canonical : "2001:db8::1";
  });
const network = fc.oneof(
  { arbitrary: ipv4, weight: 60 },
  { arbitrary: ipv6, weight: 24 },
  { arbitrary: fc.constantFrom("192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "10.0.0.0/8"), weight: 12 },
  { arbitrary: fc.oneof(hostileText, fc.constantFrom("010.1.1.1", "10.1", "0.0.0.0/0", "1.2.3.4/24", "2001:DB8::1", "::ffff:1.2.3.4")), weight: 1 },
);
const expiresAt = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 30 },
  { arbitrary: fc.constant(null), weight: 10 },
  { arbitrary: fc.constantFrom("2025-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "2025-06-01T12:00:00.000Z"), weight: 15 },
  { arbitrary: hostileText, weight: 1 },
);
const entry = fc.record({ network, comment, expiresAt }, { requiredKeys: ["network", "comment"] });
const scope = fc.oneof({ arbitrary: fc.constantFrom("ALL", "SIP", "NO_BAN"), weight: 20 }, { arbitrary: fc.constantFrom("all", "EVERYTHING", 1), weight: 1 });
const whitelistEntry = fc.record({ network, comment, expiresAt, scope }, { requiredKeys: ["network", "comment"] });
const entries = (max: number) => fc.array(entry, { maxLength: max });

function intAround(min: number, max: number) {
  return fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 60 },
    { arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, 1.5, 1e9, 2 ** 53, 1e308, Number.NaN, Number.POSITIVE_INFINITY), weight: 1 },
  );
}
const port = intAround(1, 65535);
const ports = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 17 }), weight: 20 },
  { arbitrary: fc.array(port, { maxLength: 3 }), weight: 1 },
);
const portsOrNone = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 4 }), weight: 20 },
  { arbitrary: fc.array(port, { maxLength: 3 }), weight: 1 },
);
const exposureArbitrary = fc.record({
  sipFrom: fc.oneof({ arbitrary: fc.constantFrom("WORLD", "ALLOWED"), weight: 20 }, { arbitrary: fc.constantFrom("MANAGEMENT", "anyone"), weight: 1 }),
  rtpFrom: fc.constantFrom("WORLD", "ALLOWED"),
  webFrom: fc.constantFrom("WORLD", "ALLOWED", "MANAGEMENT"),
  amiPorts: portsOrNone,
  extraTcpPorts: portsOrNone,
  extraUdpPorts: portsOrNone,
  icmpEcho: fc.boolean(),
  dropPortScans: fc.boolean(),
  sshNewPerMinute: fc.oneof(fc.constant(null), intAround(1, 600)),
  finalAction: fc.oneof({ arbitrary: fc.constantFrom("DROP", "REJECT", "RETURN"), weight: 20 }, { arbitrary: fc.constantFrom("ACCEPT", "drop"), weight: 1 }),
});
const signature = fc.record({
  pattern: fc.oneof(
    { arbitrary: fc.constantFrom("friendly-scanner", "sipvicious", "User-Agent: sipcli/1.0", "PortSIP VoIP SDK (x) 1.0+"), weight: 10 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._\-/()+:]{2,20}[A-Za-z0-9]$/), weight: 10 },
    { arbitrary: hostileText, weight: 1 },
  ),
  enabled: fc.boolean(),
});
const country = fc.oneof(
  { arbitrary: fc.constantFrom("DE", "FR", "US", "CH", "AQ"), weight: 20 },
  { arbitrary: fc.oneof(hostileText, fc.constantFrom("de", "DEU", "D1")), weight: 1 },
);

const policyArbitrary = fc
  .record({
    whitelist: fc.array(whitelistEntry, { maxLength: 4 }),
    blocklist: entries(8),
    management: entries(3),
    tenants: fc.array(
      fc.record({
        id: fc.oneof({ arbitrary: fc.uuid({ version: 4 }), weight: 20 }, { arbitrary: hostileText, weight: 1 }),
        name: fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 20 }), weight: 10 }, { arbitrary: hostileText, weight: 1 }),
        autoWhitelistRestrictions: fc.boolean(),
        restrictions: entries(3),
      }),
      { maxLength: 3 },
    ),
    scannerSignatures: fc.uniqueArray(signature, { maxLength: 4, selector: (s) => s.pattern }),
    geoip: fc.record({
      mode: fc.oneof({ arbitrary: fc.constantFrom("OFF", "FULL_SERVER", "WEB_ONLY"), weight: 20 }, { arbitrary: hostileText, weight: 1 }),
      countries: fc.uniqueArray(country, { minLength: 1, maxLength: 3 }),
    }),
    rateLimit: fc.record({
      enabled: fc.boolean(),
      packetsPerSecond: intAround(1, 10_000),
      burst: intAround(1, 100_000),
      registerHits: intAround(1, 1000),
      registerWindowSeconds: intAround(1, 3600),
      inviteHits: intAround(1, 1000),
      inviteWindowSeconds: intAround(1, 3600),
      sipPorts: ports,
      transports: fc.oneof(
        { arbitrary: fc.subarray(["UDP", "TCP", "TLS"] as const, { minLength: 1 }), weight: 20 },
        { arbitrary: fc.constantFrom([], ["SCTP"], ["UDP", "UDP"]), weight: 1 },
      ),
      rtpPortMin: intAround(1024, 30000),
      rtpPortMax: intAround(30000, 65535),
    }),
    fail2ban: fc.record({
      voipJailEnabled: fc.boolean(),
      webJailEnabled: fc.boolean(),
      maxRetry: intAround(1, 100),
      findTimeSeconds: intAround(1, 604_800),
      banTimeSeconds: intAround(60, 86_400),
      recidive: fc.record({
        enabled: fc.boolean(),
        maxRetry: intAround(1, 100),
        findTimeSeconds: intAround(60, 2_592_000),
        banTimeSeconds: fc.oneof(fc.constant(-1), intAround(86_401, 31_536_000)),
      }),
    }),
    platform: fc.record({ sshPorts: ports, webPorts: ports }),
    exposure: exposureArbitrary,
  })
  .map((parts) => ({ ...typicalSingleTenantPolicy(), ...parts }) as unknown);

const nodeArbitrary = fc.record({
  nodeName: fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 30 }), weight: 30 }, { arbitrary: hostileText, weight: 1 }),
  tags: fc.uniqueArray(fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 8 }), weight: 30 }, { arbitrary: hostileText, weight: 1 }), {
    maxLength: 3,
  }),
  managementAddresses: fc.array(network, { maxLength: 2 }),
  panelAddresses: fc.array(network, { maxLength: 2 }),
  exposureOverride: fc.oneof(fc.constant(null), fc.record({ finalAction: fc.constantFrom("DROP", "REJECT", "RETURN"), sipFrom: fc.constantFrom("WORLD", "ALLOWED") }, { requiredKeys: [] })),
});

// ---------------------------------------------------------------------------------------------------------
// Structure checks (plain assertions: expect() per line would dominate the run time)
// ---------------------------------------------------------------------------------------------------------

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function sameList(actual: readonly unknown[] | undefined, expected: readonly unknown[], what: string): void {
  check(JSON.stringify(actual) === JSON.stringify(expected), `${what}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
}

const SET_NAME = "rampart-[a-z0-9-]+";
const QUOTED_ALLOWED = `"(${COMMENT_PATTERN.source.slice(1, -2)}*)"`; // the comment character class, quoted
const IPSET_CREATE = new RegExp(`^create (${SET_NAME}) (hash:ip|hash:net) family (inet6?) hashsize (\\d+) maxelem (\\d+)( comment| timeout 0 -exist)?$`);
const IPSET_ADD = new RegExp(`^add (${SET_NAME}) ([0-9a-f.:/]+)(?: comment ${QUOTED_ALLOWED})?$`);
const IPT_PIECE = new RegExp(`${QUOTED_ALLOWED}|([^ "]+)|( +)|(.)`, "g");
const IPT_TOKEN = /^(?:!|-[A-Za-z]|--[a-z0-9-]+|[A-Za-z0-9][A-Za-z0-9:/,._-]*)$/;
const RULE_COMMANDS = new Set(["-A", "-I", "-D", "-N", "-F", "-X", "-P", "-R", "-E", "-Z"]);

function isCanonical(text: string, family: 4 | 6): boolean {
  const parsed = parseNetwork(text);
  return parsed.ok && parsed.value.canonical === text && parsed.value.family === family;
}

function checkIpset(text: string, model: RulesetModel): void {
  const lines = text.split("\n");
  check(lines.pop() === "", "ipset.restore must end with a newline");
  check(/^# Rampart ipset sets\. /.test(lines.shift() ?? ""), "ipset.restore header");
  const members = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of lines) {
    const c = IPSET_CREATE.exec(line);
    if (c !== null) {
      check(!members.has(c[1] as string), `set created twice: ${line}`);
      current = c[1] as string;
      members.set(current, []);
      continue;
    }
    const a = IPSET_ADD.exec(line);
    check(a !== null, `unexpected ipset line ${JSON.stringify(line)}`);
    check(a[1] === current, `add outside its set: ${line}`);
    members.get(current as string)?.push(a[2] as string);
  }
  // Exactly the model's sets, each with exactly its members, in order.
  check(members.size === model.sets.length, "set count");
  for (const set of model.sets) {
    const name = set.lifecycle === "swap" ? `${set.name}-new` : set.name;
    const got = members.get(name);
    sameList(got, set.lifecycle === "swap" ? set.members.map((m) => m.network) : [], `members of ${name}`);
    for (const member of got ?? []) check(isCanonical(member, set.family), `non-canonical member ${member}`);
  }
}

function checkIptables(text: string, model: RulesetModel, family: 4 | 6): void {
  const firewall = model.firewall.find((f) => f.family === family);
  if (firewall === undefined) throw new Error("no firewall");
  const lines = text.split("\n");
  const ruleCount = firewall.chains.reduce((sum, chain) => sum + chain.rules.length, 0);
  check(lines.length === 2 + 1 + firewall.chains.length + ruleCount + 2 + 1 + 1, `IPv${family} line count ${lines.length}`);
  check(lines.slice(0, 2).every((l) => l.startsWith("# ")), "header comments");
  check(lines[2] === "*filter", "*filter");
  sameList(lines.slice(3, 3 + firewall.chains.length), firewall.chains.map((c) => `:${c.name} - [0:0]`), "chain declarations");
  sameList(lines.slice(-4), ["-D INPUT -j RAMPART-INPUT", "-I INPUT 1 -j RAMPART-INPUT", "COMMIT", ""], "hook and COMMIT");
  const perChain = new Map<string, number>();
  for (const line of lines.slice(3 + firewall.chains.length, -4)) {
    // Tokenize: quoted strings only as the argument of --string / --log-prefix, allow-listed inside.
    const tokens: string[] = [];
    for (const m of line.matchAll(IPT_PIECE)) {
      if (m[1] !== undefined) {
        check(["--string", "--log-prefix"].includes(tokens[tokens.length - 1] ?? ""), `quoted text after ${tokens.at(-1)}: ${line}`);
        tokens.push(`"${m[1]}"`);
      } else if (m[2] !== undefined) {
        check(IPT_TOKEN.test(m[2]), `bad token ${JSON.stringify(m[2])} in ${line}`);
        tokens.push(m[2]);
      } else if (m[3] !== undefined) {
        check(m[3] === " ", `double space in ${line}`);
      } else {
        throw new Error(`stray character ${JSON.stringify(m[4])} in ${line}`);
      }
    }
    check(tokens[0] === "-A", `not an -A line: ${line}`);
    check(tokens.filter((t) => RULE_COMMANDS.has(t)).length === 1, `more than one command in ${line}`);
    check(tokens.filter((t) => t === "-j").length <= 1, `more than one target in ${line}`);
    perChain.set(tokens[1] as string, (perChain.get(tokens[1] as string) ?? 0) + 1);
  }
  for (const chain of firewall.chains) check((perChain.get(chain.name) ?? 0) === chain.rules.length, `rules in ${chain.name}`);
  check([...perChain.keys()].every((name) => firewall.chains.some((c) => c.name === name)), "rule in an unknown chain");
}

const JAIL_KEYS = ["enabled", "filter", "backend", "usedns", "logpath", "maxretry", "findtime", "bantime", "ignoreip", "action"];
const JAIL_FORBIDDEN = /[%$`\\\r\u0000]/;

function checkJail(text: string, model: RulesetModel): void {
  const sections: { name: string; keys: Map<string, string[]> }[] = [];
  let lastKey: string | null = null;
  for (const line of text.split("\n")) {
    check(!JAIL_FORBIDDEN.test(line), `forbidden character in ${JSON.stringify(line)}`);
    if (line === "" || (line.startsWith("# ") && sections.length === 0)) {
      lastKey = null;
      continue;
    }
    const header = /^\[([a-z-]+)\]$/.exec(line);
    if (header !== null) {
      sections.push({ name: header[1] as string, keys: new Map() });
      lastKey = null;
      continue;
    }
    const section = sections[sections.length - 1];
    check(section !== undefined, `line outside a section: ${JSON.stringify(line)}`);
    const kv = /^([a-z]+) = (\S.*)$/.exec(line);
    if (kv !== null) {
      check(JAIL_KEYS.includes(kv[1] as string), `unknown key ${kv[1]}`);
      check(!section.keys.has(kv[1] as string), `duplicate key ${kv[1]}`);
      section.keys.set(kv[1] as string, [kv[2] as string]);
      lastKey = kv[1] as string;
      continue;
    }
    const continuation = /^ {10}(\S.*)$/.exec(line);
    check(continuation !== null, `unexpected jail line ${JSON.stringify(line)}`);
    check(["logpath", "ignoreip", "action"].includes(lastKey ?? ""), `continuation after ${lastKey}`);
    section.keys.get(lastKey as string)?.push(continuation[1] as string);
  }
  sameList(sections.map((s) => s.name), model.jails.map((j) => j.name), "jail sections");
  model.jails.forEach((jail, i) => {
    const keys = sections[i]?.keys as Map<string, string[]>;
    sameList([...keys.keys()].sort(), [...JAIL_KEYS].sort(), `keys of ${jail.name}`);
    sameList(keys.get("logpath"), jail.logPaths, "logpath");
    sameList(keys.get("ignoreip"), jail.ignoreIp, "ignoreip");
    check(keys.get("action")?.length === 1, "action count: rampart-ipset only, never a mail action");
    for (const key of ["maxretry", "findtime", "bantime"]) check(/^-?\d+$/.test(keys.get(key)?.[0] ?? ""), `${key} is not an integer`);
    for (const address of jail.ignoreIp) check(parseNetwork(address).ok, `ignoreip ${address}`);
  });
}

function checkRendered(result: RenderedRuleset): void {
  const { files, model } = result;
  sameList(Object.keys(files).sort(), Object.values(ARTEFACT_PATHS).filter((path) => !GUARD_ARTEFACT_PATHS.includes(path)).sort(), "artefact paths");
  checkIpset(files[ARTEFACT_PATHS.ipset] as string, model);
  checkIptables(files[ARTEFACT_PATHS.iptables] as string, model, 4);
  checkIptables(files[ARTEFACT_PATHS.ip6tables] as string, model, 6);
  checkJail(files[ARTEFACT_PATHS.jail] as string, model);
  check(files[ARTEFACT_PATHS.asteriskFilter] === ASTERISK_FILTER, "asterisk filter");
  check(files[ARTEFACT_PATHS.webFilter] === WEB_FILTER, "web filter");
  check(files[ARTEFACT_PATHS.banAction] === BAN_ACTION_CONF, "ban action");
  const manifest = JSON.parse(files[ARTEFACT_PATHS.manifest] as string) as { version: string; sets: unknown[] };
  check(manifest.version === result.hash, "manifest version");
  check(manifest.sets.length === model.sets.length, "manifest sets");
}

// ---------------------------------------------------------------------------------------------------------

describe("compiler fuzz", () => {
  it(`renders ${RUNS} random and hostile policies with nothing but the expected structure`, () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(policyArbitrary, nodeArbitrary, (policy, node) => {
        let result: RenderedRuleset;
        try {
          result = renderRuleset(policy, node, TINY_GEOIP, { now: FIXED_NOW });
        } catch (error) {
          // The only acceptable failure is a validation refusal.
          check(error instanceof AppError && error.code === "VALIDATION", `unexpected error: ${String(error)}`);
          rejected++;
          return;
        }
        accepted++;
        checkRendered(result);
      }),
      { numRuns: RUNS, seed: 20250601 },
    );
    // Both outcomes must be well exercised, or the generators have drifted.
    expect(accepted).toBeGreaterThan(RUNS * 0.15);
    expect(rejected).toBeGreaterThan(RUNS * 0.15);
    console.info(`fuzz: ${accepted} rendered, ${rejected} refused by validation`);
  }, 120_000);

  it("keeps allow-listed text that looks like rules or sections inside quotes", () => {
    const base = typicalSingleTenantPolicy();
    const policy: PolicySnapshot = {
      ...base,
      blocklist: TRICKY_BUT_VALID.map((text, i) => ({ network: `198.51.100.${i + 1}`, comment: text })),
    };
    const result = renderRuleset(policy, { nodeName: "n", tags: [] }, TINY_GEOIP, { now: FIXED_NOW });
    checkRendered(result);
    expect(result.files[ARTEFACT_PATHS.ipset]).toContain('add rampart-bl4-ip-new 198.51.100.1 comment "-A INPUT -j ACCEPT"');
  });

  it("has a checker that catches an extra line, key, rule or unquoted text", () => {
    const clean = renderRuleset(typicalSingleTenantPolicy(), { nodeName: "n", tags: [] }, TINY_GEOIP, { now: FIXED_NOW });
    expect(() => checkRendered(clean)).not.toThrow();
    const tamper = (path: string, edit: (text: string) => string) => {
      const files = { ...clean.files, [path]: edit(clean.files[path] as string) };
      return () => checkRendered({ ...clean, files });
    };
    expect(tamper(ARTEFACT_PATHS.ipset, (t) => t.replace("\ncreate rampart-wl4", "\nadd rampart-mg4-ip-new 0.0.0.0/1\ncreate rampart-wl4"))).toThrow();
    expect(tamper(ARTEFACT_PATHS.ipset, (t) => t.replace('comment "office"', 'comment "office" -exist'))).toThrow();
    expect(tamper(ARTEFACT_PATHS.iptables, (t) => t.replace("COMMIT", "-A INPUT -j ACCEPT\nCOMMIT"))).toThrow();
    expect(tamper(ARTEFACT_PATHS.iptables, (t) => t.replace('"sipvicious"', '"sipvicious" -j ACCEPT -A RAMPART-SIP'))).toThrow();
    expect(tamper(ARTEFACT_PATHS.iptables, (t) => t.replace('--string "sipvicious"', '--string sip"vicious'))).toThrow();
    expect(tamper(ARTEFACT_PATHS.ip6tables, (t) => t.replace("-j RAMPART-SCAN\n", "-j RAMPART-SCAN\n-A RAMPART-SIP -j ACCEPT\n"))).toThrow();
    expect(tamper(ARTEFACT_PATHS.jail, (t) => t.replace("usedns = no", "usedns = no\nignoreip = 0.0.0.0/0"))).toThrow();
    expect(tamper(ARTEFACT_PATHS.jail, (t) => t.replace("maxretry = 5", "maxretry = 5\n          %(known/x)s"))).toThrow();
    expect(tamper(ARTEFACT_PATHS.jail, (t) => `${t}\n[sshd]\nenabled = false\n`)).toThrow();
  });
});
