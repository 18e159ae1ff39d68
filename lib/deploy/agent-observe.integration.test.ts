/**
 * The node agent's `observe` verb, run for real (the repository's rampart-node.sh under dash, never a copy) for
 * its `@cdrs` section: Master.csv read on from the offset the panel acknowledged, poll after poll. Each run gets private
 * mount and network namespaces (unshare, nothing named or configured): /run is empty, so no host fail2ban is
 * asked, /var/lib/rampart is a temporary directory that keeps the offset (and the read awaiting acknowledgement) between polls, and iptables sees an
 * empty namespace.
 *
 * Not root or a tool missing: skipped with a loud warning, a failure when RAMPART_REQUIRE_ALL=1.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { parseObserveOutput } from "@/lib/observe/observe-output";
import { isEverySuiteRequired, missingPrerequisites, run } from "@/test/rules/netns";

const AGENT = join(process.cwd(), "lib", "deploy", "agent", "rampart-node.sh");

const missing = missingPrerequisites(["unshare", "mount", "dash"]);
const requireAll = isEverySuiteRequired();
if (missing.length > 0 && !requireAll) {
  const line = "*".repeat(100);
  console.warn(`\n${line}\n*** agent observe (@cdrs) suite SKIPPED: missing ${missing.join(", ")}\n${line}\n`);
}
const suite = missing.length > 0 && !requireAll ? describe.skip : describe;

// In the namespaces: an empty /var/lib with the state directory ($2) as /var/lib/rampart, an empty /run, then
// one observe. Fixed text; every value is a positional argument.
const RUN = `set -eu
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mkdir /var/lib/rampart
mount --bind "$2" /var/lib/rampart
mount -t tmpfs -o mode=0755 tmpfs /run
exec dash "$1" observe`;

const tempDirs: string[] = [];

interface AgentNode {
  state: string;
  cdr: string;
}

/** A node whose confirmed apply.conf names `cdr` as its CDR file (or names none). */
function newNode(hasCdrLog = true): AgentNode {
  const dir = mkdtempSync(join(tmpdir(), "rampart-observe-"));
  tempDirs.push(dir);
  const state = join(dir, "state");
  const cdr = join(dir, "cdr-csv", "Master.csv");
  mkdirSync(join(state, "current"), { recursive: true });
  mkdirSync(join(dir, "cdr-csv"));
  writeFileSync(join(state, "current", "apply.conf"), `version=${"a".repeat(64)}\nsecurity_log=/nonexistent\n${hasCdrLog ? `cdr_log=${cdr}\n` : ""}`);
  return { state, cdr };
}

interface CdrSection {
  header: string;
  lines: string[];
  output: string;
}

function observe(node: AgentNode): CdrSection {
  const result = run("unshare", ["--mount", "--net", "--propagation", "private", "sh", "-c", RUN, "sh", AGENT, node.state]);
  if (result.status !== 0) throw new Error(`agent observe exited ${result.status}: ${result.stderr.trim()}`);
  const lines = result.stdout.split("\n");
  expect(lines).toContain("@end");
  const start = lines.findIndex((l) => l.startsWith("@cdrs"));
  if (start < 0) return { header: "", lines: [], output: result.stdout };
  const end = lines.indexOf("@end", start);
  return { header: lines[start]!, lines: lines.slice(start + 1, end), output: result.stdout };
}

/** What the collector does once it stored a section's records: upload cdrs.ack with the header's <next>. */
function acknowledge(node: AgentNode, section: CdrSection, value = section.header.split(" ")[2]!): void {
  writeFileSync(join(node.state, "cdrs.ack"), `${value}\n`);
}

const cdr = (n: number, disposition = "ANSWERED") =>
  `"acme","1001","00441234567","tenant-acme","""1001"" <1001>","PJSIP/1001-0000000${n % 10}","PJSIP/carrier-00000001","Dial","PJSIP/0441234567@carrier,60","2026-12-04 01:30:03","${disposition === "ANSWERED" ? "2026-12-04 01:30:03" : ""}","2026-12-04 01:30:07",4,${disposition === "ANSWERED" ? 4 : 0},"${disposition}","DOCUMENTATION","node1-1796347803.${n}",""`;
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

suite("agent observe: @cdrs (real dash, private namespaces)", () => {
  if (missing.length > 0) {
    it("has its prerequisites (RAMPART_REQUIRE_ALL=1)", () => {
      throw new Error(`agent observe suite cannot run: missing ${missing.join(", ")}`);
    });
    return;
  }

  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("reads on from the offset the panel acknowledged, leaves a line still being written for the next poll, and the panel parses it", () => {
    const node = newNode();
    const head = `${cdr(0)}\n${cdr(1, "NO ANSWER")}\n`;
    const partial = cdr(2).slice(0, 40);
    writeFileSync(node.cdr, head + partial);

    const first = observe(node);
    expect(first.header).toBe(`@cdrs 0 ${bytes(head)} ${bytes(head + partial)}`);
    expect(first.lines).toEqual([cdr(0), cdr(1, "NO ANSWER")]);
    const parsed = parseObserveOutput(first.output, 1);
    expect(parsed.callRecords.map((r) => [r.uniqueId, r.disposition])).toEqual([
      ["node1-1796347803.0", "ANSWERED"],
      ["node1-1796347803.1", "NO ANSWER"],
    ]);
    expect(readFileSync(join(node.state, "cdrs.pending"), "utf8")).toBe(`${bytes(head)}\n`);
    acknowledge(node, first);

    // The line is finished, then a line no cdr_csv writes (it would end the section) and one far too long.
    const rest = `${cdr(2).slice(40)}\n@end,"x"\n"${"x".repeat(5000)}"\n`;
    appendFileSync(node.cdr, rest);
    const second = observe(node);
    const size = bytes(head + partial + rest);
    expect(second.header).toBe(`@cdrs ${bytes(head)} ${size} ${size}`);
    expect(second.lines).toEqual([cdr(2), '!@end,"x"', "!long 5002"]);
    const again = parseObserveOutput(second.output, 1);
    expect(again.callRecords.map((r) => r.uniqueId)).toEqual(["node1-1796347803.2"]);
    expect(again.observation.rejectedLines.cdrs).toBe(2);
    acknowledge(node, second);

    // Nothing new: an empty section at the end of the file.
    expect(observe(node)).toMatchObject({ header: `@cdrs ${size} ${size} ${size}`, lines: [] });

    // Rotated (the file is shorter than the offset): read from the start again.
    truncateSync(node.cdr, 0);
    appendFileSync(node.cdr, `${cdr(3)}\n`);
    expect(observe(node)).toMatchObject({ header: `@cdrs 0 ${bytes(cdr(3)) + 1} ${bytes(cdr(3)) + 1}`, lines: [cdr(3)] });
  });

  it("sends at most 5,000 lines a poll and the rest in order the next poll, never skipping any", () => {
    const node = newNode();
    const all = Array.from({ length: 5003 }, (_, i) => cdr(i));
    writeFileSync(node.cdr, `${all.join("\n")}\n`);
    const first = observe(node);
    expect(first.lines).toHaveLength(5000);
    expect(first.lines[4999]).toBe(all[4999]);
    acknowledge(node, first);
    const second = observe(node);
    expect(second.lines).toEqual(all.slice(5000));
    expect(second.header.split(" ")[2]).toBe(second.header.split(" ")[3]);
  });

  it("prints the same records again until the panel acknowledges them, and drops an acknowledgement that does not match", () => {
    const node = newNode();
    writeFileSync(node.cdr, `${cdr(0)}\n${cdr(1)}\n`);
    const first = observe(node);
    expect(first.lines).toEqual([cdr(0), cdr(1)]);
    // The panel could not store them (no acknowledgement): the next poll sends them again.
    expect(observe(node)).toMatchObject({ header: first.header, lines: first.lines });
    // A stale, partly written or foreign value is not taken, and the records come once more.
    for (const bad of ["12", "x", `${bytes(cdr(0)) + 1}`]) {
      acknowledge(node, first, bad);
      expect(observe(node).header).toBe(first.header);
      expect(existsSync(join(node.state, "cdrs.ack"))).toBe(false);
    }
    acknowledge(node, first);
    appendFileSync(node.cdr, `${cdr(2)}\n`);
    expect(observe(node).lines).toEqual([cdr(2)]);
  });

  it("sends successful registrations again until the panel acknowledges them, as it does call records", () => {
    const node = newNode();
    const security = join(node.state, "..", "security");
    const conf = join(node.state, "current", "apply.conf");
    writeFileSync(conf, readFileSync(conf, "utf8").replace("security_log=/nonexistent", `security_log=${security}`));
    const line = (n: number) =>
      `[2026-12-04 01:29:38] SECURITY[16787] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-12-04T01:29:38.728+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="100${n}",SessionID="s${n}",LocalAddress="IPV4/UDP/198.18.0.10/5060",RemoteAddress="IPV4/UDP/198.18.0.240/5060",UsingPassword="1"`;
    writeFileSync(security, `${line(1)}\n`);
    const section = () => {
      const parsed = parseObserveOutput(observe(node).output, 1);
      return { accounts: parsed.registrations.map((r) => r.accountId), ack: parsed.registrationAcknowledgement };
    };
    const first = section();
    expect(first).toEqual({ accounts: ["1001"], ack: bytes(line(1)) + 1 });
    expect(section()).toEqual(first); // not acknowledged: the same again
    writeFileSync(join(node.state, "registrations.ack"), `${first.ack}\n`);
    appendFileSync(security, `${line(2)}\n`);
    expect(section().accounts).toEqual(["1002"]);
  });

  it("prints no @cdrs section when the confirmed apply.conf names no CDR file (a node pushed by an older panel)", () => {
    const node = newNode(false);
    writeFileSync(node.cdr, `${cdr(0)}\n`);
    const result = observe(node);
    expect(result.header).toBe("");
    expect(parseObserveOutput(result.output, 1).callRecords).toEqual([]);
  });
});
