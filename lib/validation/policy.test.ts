import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { emptyPolicy, multiTenantPolicy, typicalSingleTenantPolicy } from "@/lib/rules/testing/fixtures";

import {
  checkComment,
  checkEmail,
  checkInstant,
  checkNetworkText,
  checkSignature,
  nodeRenderInputSchema,
  parsePolicySnapshot,
  policySnapshotSchema,
  type PolicySnapshot,
} from "./policy";

const HOSTILE = ['"', "'", "\\", "%", "$", "`", "\n", "\r", "\t", "\u0000", "\u2028", "é", "$(id)", "%(known/x)s", "%%", "`id`"];

describe("checkComment", () => {
  it("accepts printable ASCII without quotes, backslash, %, $ and backtick, up to 200 characters", () => {
    expect(checkComment("")).toBeNull();
    expect(checkComment("SIP provider (backup) #2: a/b; c&d <e> [f] {g} | ~ ^ * + = ? ! @")).toBeNull();
    expect(checkComment("x".repeat(200))).toBeNull();
  });
  it.each(HOSTILE)("rejects %j and never alters it", (bad) => {
    expect(checkComment(`before ${bad} after`)).not.toBeNull();
  });
  it("rejects longer comments and non-strings", () => {
    expect(checkComment("x".repeat(201))).toMatch(/too long/);
    expect(checkComment(5)).not.toBeNull();
  });
});

describe("checkSignature", () => {
  it.each(["friendly-scanner", "sipvicious", "VaxSIPUserAgent", "User-Agent: sipcli/v1.8", "iWar", "PortSIP VoIP SDK 11.2"])(
    "accepts %j",
    (pattern) => expect(checkSignature(pattern)).toBeNull(),
  );
  it.each([
    ["too short", "abc"],
    ["too long", "a".repeat(65)],
    ["leading space", " scanner"],
    ["trailing space", "scanner "],
    ["double quote", 'sip"vicious'],
    ["backslash", "sip\\vicious"],
    ["percent", "sip%(x)s"],
    ["dollar", "sip$(id)"],
    ["hash", "sip#x"],
    ["comma", "a,b,c,d"],
    ["newline", "sipv\n-A INPUT -j ACCEPT"],
    ["ordinary SIP text", "SIP/2.0"],
    ["ordinary SIP text", "REGISTER sip:"],
    ["ordinary SIP text", "User-Agent:"],
    ["ordinary SIP text", "Content-Length"],
  ])("rejects %s: %j", (_why, pattern) => expect(checkSignature(pattern)).not.toBeNull());
});

describe("checkEmail", () => {
  it.each(["ops@example.com", "first.last+f2b@mail.example.co.uk", "a_b-c@x-y.io"])("accepts %j", (email) =>
    expect(checkEmail(email)).toBeNull(),
  );
  it.each([
    "-oQ/tmp/x@example.com",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@example",
    "a@-example.com",
    'a"b@example.com',
    "a b@example.com",
    "a@example.com\nBcc: x@y.z",
    "a@example.com,b@example.com",
    "a%b@example.com",
    "a@exa_mple.com",
    "a@[192.0.2.1]",
    "a@example.c0m",
    `${"a".repeat(65)}@example.com`,
  ])("rejects %j", (email) => expect(checkEmail(email)).not.toBeNull());
});

describe("checkInstant", () => {
  it.each(["2025-01-31T12:00:00.000Z", "2025-01-31T12:00:00Z", "2024-02-29T23:59:59+02:00"])("accepts %j", (t) =>
    expect(checkInstant(t)).toBeNull(),
  );
  it.each(["2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-31 12:00:00Z", "2025-01-31T12:00:00", "tomorrow", "2025-01-31T24:00:00Z"])(
    "rejects %j",
    (t) => expect(checkInstant(t)).not.toBeNull(),
  );
});

describe("checkNetworkText", () => {
  it("accepts canonical text only and says what canonical is", () => {
    expect(checkNetworkText("192.0.2.0/24").ok).toBe(true);
    expect(checkNetworkText("2001:db8::1").ok).toBe(true);
    const upper = checkNetworkText("2001:DB8::1");
    expect(upper.ok).toBe(false);
    if (!upper.ok) expect(upper.error).toContain("2001:db8::1");
    expect(checkNetworkText("192.0.2.1/32").ok).toBe(false);
  });
  it.each(["010.1.1.1", "10.1", "192.0.2.1/24", "0.0.0.0/0", "::/0", "1.2.3.4\n-A INPUT", "example.com", "::ffff:1.2.3.4", ""])(
    "rejects %j",
    (text) => expect(checkNetworkText(text).ok).toBe(false),
  );
  it("accepts over-broad networks other than /0 (the compiler warns)", () => {
    expect(checkNetworkText("11.0.0.0/7").ok).toBe(false); // host bits set
    expect(checkNetworkText("10.0.0.0/7").ok).toBe(true);
    expect(checkNetworkText("0.0.0.0/1").ok).toBe(true);
  });
});

describe("policySnapshotSchema and parsePolicySnapshot", () => {
  it.each([
    ["empty", emptyPolicy()],
    ["typical", typicalSingleTenantPolicy()],
    ["multi-tenant", multiTenantPolicy()],
  ])("accept the %s fixture identically", (_name, policy) => {
    const zod = policySnapshotSchema.safeParse(policy);
    const fast = parsePolicySnapshot(policy);
    expect(zod.success).toBe(true);
    expect(fast.ok).toBe(true);
    if (zod.success && fast.ok) expect(JSON.parse(JSON.stringify(fast.value.snapshot))).toEqual(JSON.parse(JSON.stringify(zod.data)));
  });

  it("returns the parsed network of every entry, index for index", () => {
    const result = parsePolicySnapshot(multiTenantPolicy());
    if (!result.ok) throw new Error("expected valid");
    expect(result.value.networks.management.map((n) => n.canonical)).toEqual(result.value.snapshot.management.map((e) => e.network));
    expect(result.value.networks.tenantRestrictions[0]?.map((n) => n.family)).toEqual([4, 6]);
  });

  const invalid: [string, (p: PolicySnapshot) => unknown][] = [
    ["unknown top-level key", (p) => ({ ...p, extra: 1 })],
    ["unknown entry key", (p) => ({ ...p, whitelist: [{ network: "192.0.2.1", comment: "", evil: "x" }] })],
    ["non-canonical network", (p) => ({ ...p, blocklist: [{ network: "192.0.2.01", comment: "" }] })],
    ["hostile comment", (p) => ({ ...p, blocklist: [{ network: "192.0.2.1", comment: 'x" -j ACCEPT' }] })],
    ["missing list", (p) => ({ ...p, management: undefined })],
    ["bad expiry", (p) => ({ ...p, blocklist: [{ network: "192.0.2.1", comment: "", expiresAt: "soon" }] })],
    ["GeoIP on without countries", (p) => ({ ...p, geoip: { mode: "FULL_SERVER", countries: [] } })],
    ["lower-case country", (p) => ({ ...p, geoip: { mode: "WEB_ONLY", countries: ["de"] } })],
    ["duplicate country", (p) => ({ ...p, geoip: { mode: "WEB_ONLY", countries: ["DE", "DE"] } })],
    ["rate above range", (p) => ({ ...p, rateLimit: { ...p.rateLimit, packetsPerSecond: 10_001 } })],
    ["huge number", (p) => ({ ...p, rateLimit: { ...p.rateLimit, burst: 1e300 } })],
    ["fractional number", (p) => ({ ...p, rateLimit: { ...p.rateLimit, registerHits: 2.5 } })],
    ["RTP range reversed", (p) => ({ ...p, rateLimit: { ...p.rateLimit, rtpPortMin: 20000, rtpPortMax: 10000 } })],
    ["RTP below 1024", (p) => ({ ...p, rateLimit: { ...p.rateLimit, rtpPortMin: 80 } })],
    ["17 SIP ports", (p) => ({ ...p, rateLimit: { ...p.rateLimit, sipPorts: Array.from({ length: 17 }, (_, i) => 5060 + i) } })],
    ["duplicate port", (p) => ({ ...p, platform: { ...p.platform, sshPorts: [22, 22] } })],
    ["no SSH port", (p) => ({ ...p, platform: { ...p.platform, sshPorts: [] } })],
    ["no transport", (p) => ({ ...p, rateLimit: { ...p.rateLimit, transports: [] } })],
    ["ban time below 60", (p) => ({ ...p, fail2ban: { ...p.fail2ban, banTimeSeconds: 59 } })],
    ["permanent first-offence ban", (p) => ({ ...p, fail2ban: { ...p.fail2ban, banTimeSeconds: -1 } })],
    [
      "recidive not longer than the first ban",
      (p) => ({ ...p, fail2ban: { ...p.fail2ban, recidive: { ...p.fail2ban.recidive, enabled: true, banTimeSeconds: 3600 } } }),
    ],
    ["notify without address", (p) => ({ ...p, fail2ban: { ...p.fail2ban, notify: { enabled: true, email: null, sender: "a@b.cd" } } })],
    ["header injection in e-mail", (p) => ({ ...p, fail2ban: { ...p.fail2ban, notify: { enabled: true, email: "a@b.cd\nBcc: x@y.zz", sender: "a@b.cd" } } })],
    ["duplicate tenant id", (p) => ({ ...p, tenants: [...p.tenants, ...p.tenants] })],
    ["tenant name with a line break", (p) => ({ ...p, tenants: [{ ...p.tenants[0], name: "A\nB" }] })],
    ["duplicate signature", (p) => ({ ...p, scannerSignatures: [...p.scannerSignatures, ...p.scannerSignatures] })],
    ["old version", (p) => ({ ...p, version: 1 })],
    ["unknown trust scope", (p) => ({ ...p, whitelist: [{ ...p.whitelist[0], scope: "EVERYTHING" }] })],
    ["exposure without a final action", (p) => ({ ...p, exposure: { ...p.exposure, finalAction: "ACCEPT" } })],
    ["SIP exposed to management only", (p) => ({ ...p, exposure: { ...p.exposure, sipFrom: "MANAGEMENT" } })],
    ["no exposure", (p) => { const { exposure: _dropped, ...rest } = p; return rest; }],
    ["not an object", () => "policy"],
    ["array", () => []],
  ];
  it.each(invalid)("reject %s, both paths", (_name, mutate) => {
    const input = mutate(typicalSingleTenantPolicy());
    expect(policySnapshotSchema.safeParse(input).success).toBe(false);
    const fast = parsePolicySnapshot(input);
    expect(fast.ok).toBe(false);
    if (!fast.ok) expect(fast.issues.length).toBeGreaterThan(0);
  });

  it("accepts a permanent ban for repeat offenders", () => {
    const p = typicalSingleTenantPolicy();
    const input = { ...p, fail2ban: { ...p.fail2ban, recidive: { ...p.fail2ban.recidive, banTimeSeconds: -1 } } };
    expect(parsePolicySnapshot(input).ok).toBe(true);
  });

  it("caps the issue list for a huge corrupt list", () => {
    const p = emptyPolicy();
    const input = { ...p, blocklist: Array.from({ length: 5000 }, () => ({ network: "bad", comment: "" })) };
    const fast = parsePolicySnapshot(input);
    expect(fast.ok).toBe(false);
    if (!fast.ok) {
      expect(fast.issues.length).toBe(101);
      expect(fast.issues.at(-1)?.message).toMatch(/4900 further problems/);
    }
  });

  it("agrees with the zod schema on random entries (property)", () => {
    const text = fc.oneof(
      fc.constantFrom("192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "0.0.0.0/0", "10.1", "2001:DB8::1", "1.2.3.4 ", "::ffff:1.2.3.4"),
      fc.string({ maxLength: 12 }),
    );
    const comment = fc.oneof(fc.constantFrom("", "ok comment", 'x"y', "a%b", "line\nbreak"), fc.string({ maxLength: 8 }));
    const expiresAt = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom("2025-01-01T00:00:00Z", "2025-02-30T00:00:00Z", "x"));
    const entry = fc.oneof(
      fc.record({ network: text, comment, expiresAt }, { requiredKeys: ["network", "comment"] }),
      fc.constantFrom({}, null, 7, "192.0.2.1", { network: "192.0.2.1", comment: "", extra: true }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), fc.array(entry, { maxLength: 3 }), (blocklist, restrictions) => {
        const base = typicalSingleTenantPolicy();
        const input = { ...base, blocklist, tenants: [{ ...base.tenants[0], restrictions }] };
        const zod = policySnapshotSchema.safeParse(input);
        const fast = parsePolicySnapshot(input);
        expect(fast.ok).toBe(zod.success);
        if (zod.success && fast.ok) expect(JSON.parse(JSON.stringify(fast.value.snapshot))).toEqual(JSON.parse(JSON.stringify(zod.data)));
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

describe("nodeRenderInputSchema", () => {
  it("accepts a node with management addresses and log paths", () => {
    const result = nodeRenderInputSchema.safeParse({
      nodeName: "pbx 1 (Frankfurt)",
      tags: ["eu"],
      managementAddresses: ["192.0.2.5", "2001:db8::/64"],
      logPaths: {
        asteriskMessages: "/var/log/asterisk/messages.log",
        asteriskSecurity: "/var/log/asterisk/security.log",
        freepbxSecurity: "/var/log/asterisk/freepbx_security.log",
        webServerError: "/var/log/httpd/error_log",
        fail2ban: "/var/log/fail2ban.log",
      },
      panelAddresses: ["198.18.0.1"],
      exposureOverride: { finalAction: "RETURN" },
    });
    expect(result.success).toBe(true);
  });
  it.each([
    ["relative log path", { asteriskMessages: "var/log/x" }],
    ["dot-dot segment", { asteriskMessages: "/var/log/../../etc/shadow" }],
    ["glob", { asteriskMessages: "/var/log/asterisk/*" }],
    ["space (fail2ban reads ' tail')", { asteriskMessages: "/var/log/a tail" }],
    ["newline", { asteriskMessages: "/var/log/a\n[sshd]" }],
  ])("rejects a %s", (_why, override) => {
    const logPaths = { ...{ asteriskMessages: "/a", asteriskSecurity: "/b", freepbxSecurity: "/c", webServerError: "/e", fail2ban: "/d" }, ...override };
    expect(nodeRenderInputSchema.safeParse({ nodeName: "n", tags: [], logPaths }).success).toBe(false);
  });
  it("rejects non-canonical management addresses and control characters in names", () => {
    expect(nodeRenderInputSchema.safeParse({ nodeName: "n", tags: [], managementAddresses: ["192.0.2.05"] }).success).toBe(false);
    expect(nodeRenderInputSchema.safeParse({ nodeName: "n\u202e", tags: [] }).success).toBe(false);
  });
});
