/**
 * The node agent's `unban` verb, run for real (the repository's rampart-node.sh, never a copy) as root in a
 * throw-away network namespace with real ipset and, where asked, a real fail2ban server. Each run gets a private
 * mount namespace with empty /var/lib and /run, so it never sees the host's /var/lib/rampart or a host fail2ban.
 *
 * Not root or a tool missing: skipped with a loud warning, a failure when RAMPART_REQUIRE_ALL=1.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { buildUnbanFile } from "@/lib/deploy/staging";
import { parseUnbanOutput } from "@/lib/observe/ssh-unbanner";
import { BAN_SET_PARAMS, JAILS, banSetName } from "@/lib/rules/names";
import { isEverySuiteRequired, missingPrerequisites, Netns, run } from "@/test/rules/netns";

const AGENT = join(process.cwd(), "lib", "deploy", "agent", "rampart-node.sh");

const missing = missingPrerequisites(["ip", "ipset", "unshare", "mount", "fail2ban-client"]);
const requireAll = isEverySuiteRequired();
if (missing.length > 0 && !requireAll) {
  const line = "*".repeat(100);
  console.warn(`\n${line}\n*** agent unban real-tool suite SKIPPED: missing ${missing.join(", ")}\n${line}\n`);
}
const suite = missing.length > 0 && !requireAll ? describe.skip : describe;

// In the namespace: private mounts, the staged file from stdin, optionally fail2ban started from $2 (a copy of
// /etc/fail2ban) with bans given as "jail address" arguments after it, then the agent's unban, then what fail2ban
// still lists. Fixed text; every value is a positional argument.
const RUN = `set -eu
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /var/lib/rampart/staging /run/fail2ban
cat >/var/lib/rampart/staging/unban.list
agent=$1
f2b=$2
shift 2
if [ -n "$f2b" ]; then
	mount --bind "$f2b" /etc/fail2ban
	trap 'fail2ban-client stop >/dev/null 2>&1 || :' EXIT
	fail2ban-client -x start >/dev/null
	while [ $# -ge 2 ]; do fail2ban-client set "$1" banip "$2" >/dev/null; shift 2; done
fi
/bin/sh "$agent" unban
echo "--- left"
[ -z "$f2b" ] || fail2ban-client get ${JAILS.voip} banip
[ -f /var/lib/rampart/staging/unban.list ] && echo "list left" || :`;

const namespaces: Netns[] = [];
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function newNamespace(): Netns {
  const ns = Netns.create("rampart-unban");
  namespaces.push(ns);
  for (const family of [4, 6] as const) {
    for (const role of ["ban-voip", "ban-web", "ban-recidive"] as const) {
      ns.execOk("ipset", ["create", banSetName(role, family), "hash:ip", "family", family === 4 ? "inet" : "inet6", "timeout", String(BAN_SET_PARAMS.timeout)]);
    }
  }
  return ns;
}

/** /etc/fail2ban with the distribution's jails dropped and Rampart's VoIP jail defined, banning with no action. */
function fail2banConfig(): string {
  const dir = tempDir("rampart-unban-f2b-");
  cpSync("/etc/fail2ban", dir, { recursive: true });
  rmSync(join(dir, "jail.d"), { recursive: true, force: true });
  rmSync(join(dir, "jail.local"), { force: true });
  const log = join(dir, "empty.log");
  writeFileSync(log, "");
  writeFileSync(join(dir, "filter.d", "rampart-unban-test.conf"), "[Definition]\nfailregex = ^rampart-unban-test-never <HOST>$\n");
  writeFileSync(join(dir, "fail2ban.local"), `[Definition]\nlogtarget = ${join(dir, "fail2ban.log")}\ndbfile = :memory:\n`);
  writeFileSync(
    join(dir, "jail.local"),
    `[DEFAULT]\nbackend = polling\n\n[${JAILS.voip}]\nenabled = true\nfilter = rampart-unban-test\nlogpath = ${log}\naction =\nbantime = 3600\n`,
  );
  return dir;
}

interface AgentRun {
  lines: string[];
  fail2banLeft: string;
  isListLeft: boolean;
}

function runUnban(ns: Netns, list: string, fail2ban?: { config: string; bans: [string, string][] }): AgentRun {
  const args = ["--mount", "--propagation", "private", "sh", "-c", RUN, "sh", AGENT, fail2ban?.config ?? "", ...(fail2ban?.bans.flat() ?? [])];
  const result = ns.exec("unshare", args, list);
  if (result.status !== 0) throw new Error(`agent unban exited ${result.status}: ${result.stderr.trim()}`);
  const [agent = "", left = ""] = result.stdout.split("--- left\n");
  return { lines: agent.split("\n").filter(Boolean), fail2banLeft: left.replace("list left\n", ""), isListLeft: left.includes("list left") };
}

const inSet = (ns: Netns, set: string, address: string) => ns.exec("ipset", ["test", set, address]).status === 0;

suite("agent unban (real ipset and fail2ban)", () => {
  if (missing.length > 0) {
    it("has its prerequisites (RAMPART_REQUIRE_ALL=1)", () => {
      throw new Error(`agent unban suite cannot run: missing ${missing.join(", ")}`);
    });
    return;
  }

  afterAll(() => {
    for (const ns of namespaces) ns.destroy();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("lifts an address placed by hand into the ban set, without fail2ban running, and says not-banned for an unknown one", () => {
    const ns = newNamespace();
    const voip4 = banSetName("ban-voip", 4);
    const voip6 = banSetName("ban-voip", 6);
    ns.execOk("ipset", ["add", voip4, "192.0.2.10"]);
    ns.execOk("ipset", ["add", voip6, "2001:db8::10"]);
    ns.execOk("ipset", ["add", banSetName("ban-web", 4), "198.51.100.5"]);
    ns.execOk("ipset", ["add", voip4, "192.0.2.99"]); // not asked about: must stay

    // The panel's own file, built as sshUnbanner builds it.
    const entries = [
      { jail: JAILS.voip, address: "192.0.2.10" },
      { jail: JAILS.voip, address: "2001:db8::10" },
      { jail: JAILS.voip, address: "203.0.113.7" },
      { jail: JAILS.web, address: "198.51.100.5" },
      { jail: JAILS.webAuth, address: "198.51.100.5" },
      { jail: JAILS.recidive, address: "192.0.2.10" },
    ];
    const run1 = runUnban(ns, String(buildUnbanFile(entries).content));
    expect(run1.lines).toEqual([
      "rampart-asterisk 192.0.2.10 unbanned",
      "rampart-asterisk 2001:db8::10 unbanned",
      "rampart-asterisk 203.0.113.7 not-banned",
      "rampart-web 198.51.100.5 unbanned",
      // rampart-web and rampart-web-auth share the web set: lifted once, by the first line.
      "rampart-web-auth 198.51.100.5 not-banned",
      "rampart-recidive 192.0.2.10 not-banned",
    ]);
    expect(run1.isListLeft).toBe(false);
    expect(inSet(ns, voip4, "192.0.2.10")).toBe(false);
    expect(inSet(ns, voip6, "2001:db8::10")).toBe(false);
    expect(inSet(ns, banSetName("ban-web", 4), "198.51.100.5")).toBe(false);
    expect(inSet(ns, voip4, "192.0.2.99")).toBe(true);

    // The panel's reading of the answer.
    const outcomes = parseUnbanOutput(run1.lines.join("\n"), { jails: [JAILS.voip], addresses: ["192.0.2.10", "203.0.113.7"] });
    expect(outcomes.map((o) => o.state)).toEqual(["unbanned", "not-banned"]);
  });

  it("refuses lines that are not a Rampart jail and a canonical address, touching nothing", () => {
    const ns = newNamespace();
    ns.execOk("ipset", ["add", banSetName("ban-voip", 4), "192.0.2.10"]);
    const run1 = runUnban(ns, ["sshd 192.0.2.10", "rampart-asterisk 192.0.2.010", "rampart-asterisk 192.0.2.0/24", "rampart-asterisk -192.0.2.10", "rampart-asterisk 2001:DB8::1", ""].join("\n"));
    expect(run1.lines).toEqual([
      "sshd 192.0.2.10 refused",
      "rampart-asterisk 192.0.2.010 refused",
      "rampart-asterisk 192.0.2.0/24 refused",
      "rampart-asterisk -192.0.2.10 refused",
      "rampart-asterisk 2001:DB8::1 refused",
    ]);
    expect(inSet(ns, banSetName("ban-voip", 4), "192.0.2.10")).toBe(true);
  });

  it("lifts a fail2ban ban and a ban only in the set with fail2ban running, and confirms with fail2ban", () => {
    const ns = newNamespace();
    const voip4 = banSetName("ban-voip", 4);
    ns.execOk("ipset", ["add", voip4, "192.0.2.21"]);
    const list = buildUnbanFile([
      { jail: JAILS.voip, address: "192.0.2.20" },
      { jail: JAILS.voip, address: "192.0.2.21" },
      { jail: JAILS.voip, address: "192.0.2.22" },
    ]).content.toString();
    const run1 = runUnban(ns, list, { config: fail2banConfig(), bans: [[JAILS.voip, "192.0.2.20"], [JAILS.voip, "192.0.2.23"]] });
    expect(run1.lines).toEqual(["rampart-asterisk 192.0.2.20 unbanned", "rampart-asterisk 192.0.2.21 unbanned", "rampart-asterisk 192.0.2.22 not-banned"]);
    // fail2ban itself no longer lists the lifted address; the ban nobody asked about is kept.
    expect(run1.fail2banLeft.split(/\s+/).filter(Boolean)).toEqual(["192.0.2.23"]);
    expect(inSet(ns, voip4, "192.0.2.21")).toBe(false);
  }, 60_000);
});

// run() is the namespace-free runner: make sure nothing of ours is left in `ip netns list` afterwards.
afterAll(() => {
  if (missing.length > 0) return;
  const left = run("ip", ["netns", "list"]).stdout;
  for (const ns of namespaces) expect(left).not.toContain(ns.name);
});
