import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { renderRuleset, type RenderedRuleset } from "@/lib/rules/render";
import type { Manifest, ManifestSet } from "@/lib/rules/render-manifest";
import { emptyPolicy, FIXED_NOW, NODE, TINY_GEOIP, typicalSingleTenantPolicy } from "@/lib/rules/testing/fixtures";
import { STAGING_DIR } from "@/lib/ssh/commands";
import { isUploadPathAllowed, type UploadFile } from "@/lib/ssh/session";
import { DEFAULT_LOG_PATHS, LOG_PATH_PATTERN } from "@/lib/validation/policy";

import { JAILS } from "@/lib/rules/names";

import { agentHash, agentUpload, buildStagingFiles, buildUnbanFile, type StagingInput } from "./staging";

// What rampart-node.sh reads from the staging directory (cmd_validate, cmd_apply, apply_dir):
//   SHA256SUMS     `sha256sum -c --quiet --strict SHA256SUMS`, run inside the staging directory
//   apply.conf     `conf apply.conf KEY` = sed -n "s/^KEY=//p" | head -n 1 (version, deployment, timer, security_log, cdr_log)
//   sets.list      `while read -r name temp life`, and awk '$3 == "swap" { print $2 }'
//   logfiles.list  `while read -r path` (missing ones are created empty)
//   unban.list     `while read -r jail address`

const DEPLOYMENT = "0b6f4a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const rendered = (policy = typicalSingleTenantPolicy()): RenderedRuleset => renderRuleset(policy, NODE, TINY_GEOIP, { now: FIXED_NOW });

function stagingInput(overrides: Partial<StagingInput> = {}, result = rendered()): StagingInput {
  return { version: result.hash, deploymentId: DEPLOYMENT, timerSeconds: 60, files: result.files, manifest: result.manifest, ...overrides };
}

/** The uploads by file name (relative to the staging directory). */
function byName(uploads: UploadFile[]): Map<string, string> {
  return new Map(uploads.map((u) => [u.path.slice(STAGING_DIR.length + 1), String(u.content)]));
}

function withSets(sets: ManifestSet[], base = rendered()): StagingInput {
  return stagingInput({ manifest: { ...base.manifest, sets } }, base);
}

function withLogFiles(requiredLogFiles: string[], base = rendered()): StagingInput {
  const manifest: Manifest = { ...base.manifest, fail2ban: { ...base.manifest.fail2ban, requiredLogFiles } };
  return stagingInput({ manifest }, base);
}

const swapSet = (name: string, tempName: string | null = `${name}-new`): ManifestSet => ({
  name,
  tempName,
  role: "blocklist",
  family: 4,
  type: "hash:ip",
  lifecycle: "swap",
  entries: 0,
  hashsize: 1024,
  maxelem: 65536,
});

describe("buildStagingFiles: what is uploaded", () => {
  it("uploads the artefacts first (sorted), then apply.conf, sets.list, logfiles.list, and SHA256SUMS last", () => {
    const uploads = buildStagingFiles(stagingInput());
    expect(uploads.map((u) => u.path)).toEqual(
      [
        "fail2ban/action.d/rampart-ipset.conf",
        "fail2ban/filter.d/rampart-asterisk.conf",
        "fail2ban/filter.d/rampart-web.conf",
        "fail2ban/jail.d/rampart.local",
        "ip6tables.rules",
        "ipset.restore",
        "iptables.rules",
        "manifest.json",
        "apply.conf",
        "sets.list",
        "logfiles.list",
        "SHA256SUMS",
      ].map((name) => `${STAGING_DIR}/${name}`),
    );
  });

  it("uploads every artefact unchanged, to a path the SSH layer accepts", () => {
    const result = rendered();
    const uploads = buildStagingFiles(stagingInput({}, result));
    for (const upload of uploads) expect(isUploadPathAllowed(upload.path), upload.path).toBe(true);
    const names = byName(uploads);
    for (const [path, content] of Object.entries(result.files)) expect(names.get(path)).toBe(content);
  });

  it("gives the same uploads whatever the order of the artefact map (deterministic)", () => {
    const result = rendered();
    const reversed = Object.fromEntries(Object.entries(result.files).reverse());
    expect(buildStagingFiles(stagingInput({ files: reversed }, result))).toEqual(buildStagingFiles(stagingInput({}, result)));
  });

  it("lists every other upload in SHA256SUMS, sorted, in `sha256sum -c` format with the content's real hash", () => {
    const uploads = buildStagingFiles(stagingInput());
    const names = byName(uploads);
    const sums = names.get("SHA256SUMS")!;
    expect(sums.endsWith("\n")).toBe(true);
    const lines = sums.slice(0, -1).split("\n");
    // Two spaces: text mode, which `sha256sum -c --strict` accepts; the name is relative to the staging directory.
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{64} {2}[a-z0-9A-Z._/-]+$/);
    const listed = lines.map((line) => line.slice(66));
    expect(listed).toEqual([...names.keys()].filter((name) => name !== "SHA256SUMS").sort());
    for (const line of lines) expect(line.slice(0, 64), line).toBe(sha256(names.get(line.slice(66))!));
  });

  it("hashes the UTF-8 bytes, so a non-ASCII comment in an artefact still verifies", () => {
    const result = rendered();
    const files = { ...result.files, [ARTEFACT_PATHS.jail]: "# Zürich — ☎\n[DEFAULT]\n" };
    const names = byName(buildStagingFiles(stagingInput({ files }, result)));
    expect(names.get("SHA256SUMS")).toContain(`${createHash("sha256").update(Buffer.from("# Zürich — ☎\n[DEFAULT]\n", "utf8")).digest("hex")}  ${ARTEFACT_PATHS.jail}\n`);
  });

  it("writes a SHA256SUMS that the node's `sha256sum -c --quiet --strict` accepts, and that catches a damaged upload", () => {
    const uploads = buildStagingFiles(stagingInput());
    const dir = mkdtempSync(join(tmpdir(), "rampart-staging-test-"));
    try {
      for (const upload of uploads) {
        const path = join(dir, upload.path.slice(STAGING_DIR.length + 1));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, upload.content);
      }
      expect(() => execFileSync("sha256sum", ["-c", "--quiet", "--strict", "SHA256SUMS"], { cwd: dir, stdio: "pipe" })).not.toThrow();
      writeFileSync(join(dir, "sets.list"), "rampart-bl4-ip rampart-bl4-ip-new swap\n");
      expect(() => execFileSync("sha256sum", ["-c", "--quiet", "--strict", "SHA256SUMS"], { cwd: dir, stdio: "pipe" })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names only log paths the node-input schema would accept (the agent reads them with sed, tail and wc)", () => {
    for (const path of Object.values(DEFAULT_LOG_PATHS)) expect(path).toMatch(LOG_PATH_PATTERN);
  });

  it("writes apply.conf with the version, deployment, timer the Asterisk security log and the CDR file, one key=value a line", () => {
    const result = rendered();
    const names = byName(buildStagingFiles(stagingInput({ timerSeconds: 90 }, result)));
    expect(names.get("apply.conf")).toBe(`version=${result.hash}\ndeployment=${DEPLOYMENT}\ntimer=90\nsecurity_log=/var/log/asterisk/security\ncdr_log=/var/log/asterisk/cdr-csv/Master.csv\n`);
  });

  it("writes sets.list as one `name temp lifecycle` line per manifest set, `-` for a persistent set's temp name", () => {
    const result = rendered();
    const sets = byName(buildStagingFiles(stagingInput({}, result))).get("sets.list")!;
    const lines = sets.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(result.manifest.sets.length);
    expect(lines).toContain("rampart-bl4-net rampart-bl4-net-new swap");
    expect(lines).toContain("rampart-f2b-voip4 - persistent");
    // Three fields on every line, as `read -r name temp life` and awk's $3 expect.
    for (const line of lines) expect(line.split(" ")).toHaveLength(3);
  });

  it("writes logfiles.list as one path a line, in the manifest's order", () => {
    const names = byName(buildStagingFiles(stagingInput()));
    expect(names.get("logfiles.list")).toBe("/var/log/apache2/error.log\n/var/log/asterisk/freepbx_security.log\n/var/log/asterisk/messages\n/var/log/asterisk/security\n/var/log/fail2ban.log\n");
  });

  it("still uploads (empty) sets.list and logfiles.list when there is nothing to list, as validate requires both files", () => {
    const base = rendered(emptyPolicy());
    const names = byName(buildStagingFiles(stagingInput({ manifest: { ...base.manifest, sets: [], fail2ban: { ...base.manifest.fail2ban, requiredLogFiles: [] } } }, base)));
    expect(names.get("sets.list")).toBe("");
    expect(names.get("logfiles.list")).toBe("");
    expect(names.get("SHA256SUMS")).toContain(`${sha256("")}  logfiles.list\n`);
    expect(names.get("SHA256SUMS")).toContain(`${sha256("")}  sets.list\n`);
  });

  it("accepts a version with only the three required artefacts (no fail2ban files, no manifest)", () => {
    const result = rendered();
    const files = { [ARTEFACT_PATHS.ipset]: "", [ARTEFACT_PATHS.iptables]: "*filter\nCOMMIT\n", [ARTEFACT_PATHS.ip6tables]: "*filter\nCOMMIT\n" };
    const uploads = buildStagingFiles(stagingInput({ files }, result));
    expect([...byName(uploads).keys()]).toEqual(["ip6tables.rules", "ipset.restore", "iptables.rules", "apply.conf", "sets.list", "logfiles.list", "SHA256SUMS"]);
  });

  it("accepts the timer's bounds, 5 and 3600 seconds", () => {
    expect(byName(buildStagingFiles(stagingInput({ timerSeconds: 5 }))).get("apply.conf")).toContain("\ntimer=5\n");
    expect(byName(buildStagingFiles(stagingInput({ timerSeconds: 3600 }))).get("apply.conf")).toContain("\ntimer=3600\n");
  });
});

describe("buildStagingFiles: refusals", () => {
  it.each([
    ["upper case", "A".repeat(64)],
    ["63 digits", "a".repeat(63)],
    ["65 digits", "a".repeat(65)],
    ["a trailing newline", `${"a".repeat(64)}\n`],
    ["a second line", `${"a".repeat(64)}\ntimer=1`],
    ["empty", ""],
  ])("refuses a version hash with %s", (_what, version) => {
    expect(() => buildStagingFiles(stagingInput({ version }))).toThrow("refusing to stage: bad version hash");
  });

  it.each([
    ["upper case", DEPLOYMENT.toUpperCase()],
    ["no hyphens", DEPLOYMENT.replaceAll("-", "")],
    ["braces", `{${DEPLOYMENT}}`],
    ["a trailing newline", `${DEPLOYMENT}\n`],
    ["an injected key", `${DEPLOYMENT}\ntimer=1`],
    ["empty", ""],
  ])("refuses a deployment id with %s", (_what, deploymentId) => {
    expect(() => buildStagingFiles(stagingInput({ deploymentId }))).toThrow("refusing to stage: bad deployment id");
  });

  it.each([4, 3601, 1.5, 0, -60, Number.NaN, Number.POSITIVE_INFINITY])("refuses a rollback timer of %s seconds", (timerSeconds) => {
    expect(() => buildStagingFiles(stagingInput({ timerSeconds }))).toThrow("refusing to stage: bad rollback timer");
  });

  it.each([ARTEFACT_PATHS.ipset, ARTEFACT_PATHS.iptables, ARTEFACT_PATHS.ip6tables])("refuses a version without %s", (missing) => {
    const result = rendered();
    const files = Object.fromEntries(Object.entries(result.files).filter(([path]) => path !== missing));
    expect(() => buildStagingFiles(stagingInput({ files }, result))).toThrow(`refusing to stage: artefact ${missing} missing`);
  });

  it.each(["apply.conf", "SHA256SUMS", "sets.list", "../agent/rampart-node.sh", "fail2ban/jail.d/other.local", "/etc/passwd", "IPSET.RESTORE"])(
    "refuses an unknown artefact path %j (it could overwrite a control file or land outside staging)",
    (path) => {
      const result = rendered();
      expect(() => buildStagingFiles(stagingInput({ files: { ...result.files, [path]: "x" } }, result))).toThrow(`refusing to stage: unknown artefact ${path}`);
    },
  );

  it.each([
    ["a space", "rampart-bl4 ip"],
    ["a newline", "rampart-bl4-ip\nrampart-x"],
    ["a trailing newline", "rampart-bl4-ip\n"],
    ["a shell substitution", "rampart-$(reboot)"],
    ["a semicolon", "rampart-bl4;ip"],
    ["upper case", "rampart-BL4-ip"],
    ["no rampart- prefix", "bl4-ip"],
    ["nothing after the prefix", "rampart-"],
    ["32 characters, over ipset's 31", `rampart-${"a".repeat(24)}`],
  ])("refuses a set name with %s", (_what, name) => {
    expect(() => buildStagingFiles(withSets([swapSet(name, "rampart-ok-new")]))).toThrow(`refusing to stage: bad set name ${JSON.stringify(name)}`);
  });

  it.each([
    ["a space", "rampart-bl4-ip new"],
    ["a newline", "rampart-bl4-ip-new\n"],
    ["a glob", "rampart-*"],
    ["an empty name", ""],
  ])("refuses a temporary set name with %s", (_what, tempName) => {
    expect(() => buildStagingFiles(withSets([swapSet("rampart-bl4-ip", tempName)]))).toThrow(`refusing to stage: bad temporary set name ${JSON.stringify(tempName)}`);
  });

  it("refuses a swap set without a temporary name (the agent could not load it beside the live one)", () => {
    expect(() => buildStagingFiles(withSets([swapSet("rampart-bl4-ip", null)]))).toThrow("refusing to stage: swap set rampart-bl4-ip has no temporary name");
  });

  it("refuses a manifest of another version than the one staged", () => {
    const base = rendered();
    expect(() => buildStagingFiles(stagingInput({ manifest: { ...base.manifest, version: "b".repeat(64) } }, base))).toThrow(
      "refusing to stage: the manifest belongs to another version",
    );
  });

  it("refuses a set lifecycle other than swap or persistent", () => {
    const set = { ...swapSet("rampart-bl4-ip"), lifecycle: "flush" } as unknown as ManifestSet;
    expect(() => buildStagingFiles(withSets([set]))).toThrow("refusing to stage: bad set lifecycle");
  });

  it.each([
    ["a .. segment", "/var/log/../../etc/shadow"],
    ["a trailing .. segment", "/var/log/asterisk/.."],
    ["a space", "/var/log/asterisk/full log"],
    ["a newline", "/var/log/asterisk/messages\n/etc/shadow"],
    ["a trailing newline", "/var/log/asterisk/messages\n"],
    ["a relative path", "var/log/asterisk/messages"],
    ["a shell character", "/var/log/$(reboot)"],
    ["a semicolon", "/var/log/a;b"],
    ["only a slash", "/"],
    ["empty", ""],
  ])("refuses a required log file with %s", (_what, path) => {
    expect(() => buildStagingFiles(withLogFiles([path]))).toThrow(`refusing to stage: bad log path ${JSON.stringify(path)}`);
  });

  it("accepts a log path whose names merely contain dots", () => {
    const names = byName(buildStagingFiles(withLogFiles(["/var/log/asterisk/security.1", "/var/log/..hidden/x"])));
    expect(names.get("logfiles.list")).toBe("/var/log/asterisk/security.1\n/var/log/..hidden/x\n");
  });
});

describe("buildUnbanFile", () => {
  it("writes one `jail address` line per entry to staging/unban.list", () => {
    const file = buildUnbanFile([
      { jail: "rampart-asterisk", address: "198.51.100.7" },
      { jail: "rampart-web", address: "2001:db8::1" },
      { jail: "rampart-recidive", address: "2001:db8:0:1::a" },
    ]);
    expect(file).toEqual({
      path: `${STAGING_DIR}/unban.list`,
      content: "rampart-asterisk 198.51.100.7\nrampart-web 2001:db8::1\nrampart-recidive 2001:db8:0:1::a\n",
    });
    expect(isUploadPathAllowed(file.path)).toBe(true);
  });

  it("writes an empty file for no entries", () => {
    expect(buildUnbanFile([]).content).toBe("");
  });

  it("takes every jail Rampart renders, the web-auth jail's hyphenated name too", () => {
    for (const jail of Object.values(JAILS)) expect(buildUnbanFile([{ jail, address: "198.51.100.7" }]).content).toBe(`${jail} 198.51.100.7\n`);
    expect(() => buildUnbanFile([{ jail: "rampart-web-auth-", address: "198.51.100.7" }])).toThrow(/bad jail/);
  });

  it.each([
    ["a leading zero (octal to fail2ban)", "010.0.0.1"],
    ["a /32 suffix", "10.0.0.1/32"],
    ["a network", "10.0.0.0/8"],
    ["a leading space", " 1.2.3.4"],
    ["a trailing space", "1.2.3.4 "],
    ["a host name", "pbx.example.com"],
    ["a second line", "1.2.3.4\nrampart-asterisk 5.6.7.8"],
    ["a trailing newline", "1.2.3.4\n"],
    ["a shell character", "1.2.3.4;reboot"],
    ["an IPv4-mapped IPv6 address", "::FFFF:1.2.3.4"],
    ["upper-case IPv6", "2001:DB8::1"],
    ["uncompressed IPv6", "2001:db8:0:0:0:0:0:1"],
    ["a zone id", "fe80::1%eth0"],
    ["a short IPv4 form", "10.1"],
    ["a decimal integer", "167772161"],
    ["nothing", ""],
  ])("refuses an address with %s", (_what, address) => {
    expect(() => buildUnbanFile([{ jail: "rampart-asterisk", address }])).toThrow(`refusing to stage: bad address ${JSON.stringify(address)}`);
  });

  it.each(["sshd", "rampart-", "Rampart-web", "rampart-web2", "rampart-f2b-voip", "rampart-web x", "rampart-web\n", "rampart-web;reboot"])(
    "refuses the jail %j",
    (jail) => {
      expect(() => buildUnbanFile([{ jail, address: "198.51.100.7" }])).toThrow(`refusing to stage: bad jail ${JSON.stringify(jail)}`);
    },
  );

  it("refuses the whole file when one entry of several is bad", () => {
    expect(() =>
      buildUnbanFile([
        { jail: "rampart-asterisk", address: "198.51.100.7" },
        { jail: "rampart-asterisk", address: "198.51.100.08" },
      ]),
    ).toThrow(/^refusing to stage: bad address/);
  });
});

describe("agentUpload and agentHash", () => {
  it("uploads the agent to the path the fixed commands run, and hashes it as sha256sum would", () => {
    const script = "#!/bin/sh\necho ok\n";
    expect(agentUpload(script)).toEqual({ path: "/var/lib/rampart/agent/rampart-node.sh", content: script });
    expect(agentHash(script)).toBe(sha256(script));
    expect(agentHash(script)).toMatch(/^[0-9a-f]{64}$/);
  });
});
