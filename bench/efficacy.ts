/**
 * Efficacy against real attack tools, on a lab node running real Asterisk 22, each figure beside its floor — the
 * same attack on the same node with no rules at all — measured in the same run:
 *  - svcrack against extension 1001 whose 6-digit password is in its dictionary (position 500 of 1,000): guesses
 *    that reached Asterisk (ChallengeResponseFailed events from the attacker) and whether the password was found;
 *  - svwar enumeration of 1000–2100: extensions discovered;
 *  - a REGISTER flood from one source at 2,000 packets/s for 10 s: UDP datagrams delivered to sockets on the node
 *    per second (the kernel's Udp InDatagrams), and whether a legitimate phone on another address (the lab's phones
 *    at 198.18.0.240, extension 1002) registers again during the flood, and how fast.
 * Rampart's policy is a typical one, with scanner signatures off (an attacker who hides its User-Agent: with them
 * on, sipvicious never reaches Asterisk at all, which says nothing about the rest) and the office network of the
 * phones as a tenant restriction. Needs root and the lab tools; says so and skips otherwise.
 */
import { randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { asteriskRx } from "@/lab/asterisk";
import { floodRegisters, setAttackerSource } from "@/lab/attack";
import { downLab, hostAsterisk, upLab, type LabDescription } from "@/lab/cluster";
import { sleep } from "@/lab/exec";
import { registerLabPhone, setLabExtensionPassword } from "@/lab/phones";
import { readState } from "@/lab/state";
import { PHONES_ADDRESS } from "@/lab/topology";
import { typicalSingleTenantPolicy } from "@/lib/rules/testing/fixtures";
import type { PolicySnapshot } from "@/lib/validation/policy";
import { run } from "@/test/rules/netns";

import { labUnavailable } from "./lab";
import { pushTo, render } from "./push";

const FLOOD_RATE = 2000;
const FLOOD_SECONDS = 10;

interface Figures {
  crackGuesses: number;
  crackFound: boolean;
  svwarFound: number;
  floodSent: number;
  deliveredPerSecond: number;
  phoneRegisteredMs: number | null;
}

function udpInDatagrams(namespace: string): number {
  const snmp = run("ip", ["netns", "exec", namespace, "cat", "/proc/net/snmp"]).stdout.split("\n").filter((l) => l.startsWith("Udp:"));
  const [names, values] = snmp.map((l) => l.trim().split(/\s+/));
  return Number(values![names!.indexOf("InDatagrams")]);
}

function securitySince(node: LabDescription["nodes"][number], offset: number): string {
  return readFileSync(node.logPaths.asteriskSecurity).subarray(offset).toString("utf8");
}

async function attack(lab: LabDescription, dir: string, sources: { crack: string; svwar: string; flood: string }, password: string): Promise<Figures> {
  const node = lab.nodes[0]!;
  const attacker = lab.attacker.namespace;
  const escaped = (a: string) => a.replaceAll(".", "\\.");

  // svcrack: a dictionary of 1,000 six-digit guesses with the right one at position 500.
  const guesses = new Set<string>();
  while (guesses.size < 999) {
    const guess = String(randomInt(100000, 1000000));
    if (guess !== password) guesses.add(guess);
  }
  const words = [...guesses];
  words.splice(500, 0, password);
  const dictionary = join(dir, "dictionary.txt");
  writeFileSync(dictionary, `${words.join("\n")}\n`);
  let offset = statSync(node.logPaths.asteriskSecurity).size;
  setAttackerSource(attacker, sources.crack);
  const crack = run("timeout", ["90", "ip", "netns", "exec", attacker, "svcrack", "-u", "1001", "-d", dictionary, node.host]);
  const crackGuesses = (securitySince(node, offset).match(new RegExp(`SecurityEvent="ChallengeResponseFailed".*RemoteAddress="IPV4/UDP/${escaped(sources.crack)}/`, "g")) ?? []).length;
  const crackFound = crack.stdout.includes(password);

  // svwar: which extensions of 1000-2100 it can tell exist.
  setAttackerSource(attacker, sources.svwar);
  const svwar = run("timeout", ["90", "ip", "netns", "exec", attacker, "svwar", "--force", "-e1000-2100", "-m", "REGISTER", node.host]);
  const svwarFound = svwar.stdout.split("\n").filter((l) => /^\|\s*\d+\s*\|/.test(l)).length;

  // The flood, with the phone registering again three seconds in.
  const phones = hostAsterisk(readState(dir)!.phones!);
  const before = udpInDatagrams(node.namespace);
  const started = Date.now();
  const flood = floodRegisters(attacker, node.host, sources.flood, FLOOD_RATE, FLOOD_SECONDS);
  await sleep(3000);
  offset = statSync(node.logPaths.asteriskSecurity).size;
  const asked = Date.now();
  await asteriskRx(phones, "pjsip send register node1-1002-reg");
  let phoneRegisteredMs: number | null = null;
  while (Date.now() - asked < 5000 && phoneRegisteredMs === null) {
    if (new RegExp(`SecurityEvent="SuccessfulAuth".*AccountID="1002".*RemoteAddress="IPV4/UDP/${escaped(PHONES_ADDRESS)}/`).test(securitySince(node, offset))) phoneRegisteredMs = Date.now() - asked;
    else await sleep(20);
  }
  const floodSent = await flood;
  const seconds = (Date.now() - started) / 1000;
  const deliveredPerSecond = (udpInDatagrams(node.namespace) - before) / seconds;
  return { crackGuesses, crackFound, svwarFound, floodSent, deliveredPerSecond, phoneRegisteredMs };
}

function policy(lab: LabDescription): PolicySnapshot {
  const base = typicalSingleTenantPolicy();
  return {
    ...base,
    management: [{ network: lab.panelAddress, comment: "panel" }],
    scannerSignatures: base.scannerSignatures.map((s) => ({ ...s, enabled: false })),
    tenants: [{ ...base.tenants[0]!, restrictions: [{ network: PHONES_ADDRESS, comment: "office phones" }] }],
  };
}

export async function benchEfficacy(): Promise<void> {
  const unavailable = labUnavailable();
  if (unavailable !== null) {
    console.log(`skipped: ${unavailable}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "rampart-bench-efficacy-"));
  const lab = await upLab(1, dir);
  try {
    const node = lab.nodes[0]!;
    const password = String(randomInt(100000, 1000000));
    await setLabExtensionPassword(node.name, "1001", password, dir);
    await registerLabPhone(node.name, "1002", dir);
    const [a, b, c] = lab.attacker.addresses as [string, string, string];

    const floor = await attack(lab, dir, { crack: a, svwar: a, flood: c }, password);
    // Rampart's turn on a clean slate: fail2ban must not count the floor's failures.
    for (const log of [node.logPaths.asteriskSecurity, node.logPaths.asteriskMessages]) truncateSync(log, 0);
    await pushTo(node, render(policy(lab), lab.panelAddress));
    const rampart = await attack(lab, dir, { crack: b, svwar: a, flood: c }, password);

    const row = (label: string, f: (x: Figures) => string) => console.log(`${label.padEnd(62)} ${f(floor).padStart(14)} ${f(rampart).padStart(14)}`);
    console.log(`${"".padEnd(62)} ${"no rules".padStart(14)} ${"Rampart".padStart(14)}`);
    row("svcrack: guesses that reached Asterisk (password at #501)", (x) => String(x.crackGuesses));
    row("svcrack: password found", (x) => (x.crackFound ? "yes" : "no"));
    row("svwar 1000-2100: extensions discovered", (x) => String(x.svwarFound));
    row(`REGISTER flood ${FLOOD_RATE}/s for ${FLOOD_SECONDS} s: datagrams sent`, (x) => String(x.floodSent));
    row("REGISTER flood: UDP datagrams delivered on the node per second", (x) => x.deliveredPerSecond.toFixed(0));
    row("legitimate phone re-registers during the flood", (x) => (x.phoneRegisteredMs === null ? "no (5 s)" : `yes, ${x.phoneRegisteredMs} ms`));
  } finally {
    await downLab(dir);
  }
}
