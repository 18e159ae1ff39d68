/**
 * Ruleset compiler benchmark. Prints:
 *  - GeoIP dataset load (once per process in production) and compile + render time for 1,000,000 random
 *    blocklist entries plus GeoIP for every country in the shipped dataset, with peak RSS;
 *  - how long `ipset restore` takes to load the result in a fresh network namespace;
 *  - the classic approach for comparison: one `iptables -A INPUT -s ADDR -j DROP` process per address for
 *    2,000 addresses, and the ratio per address.
 * Targets (docs): render under 15 s, ipset restore under 6 s on the 2-core machines. Needs root for the
 * namespace parts; without it, prints the render figures and says what it skipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { loadGeoIpDataset } from "@/lib/rules/geo-data";
import { ARTEFACT_PATHS } from "@/lib/rules/names";
import { renderParsedRuleset } from "@/lib/rules/render";
import { emptyPolicy } from "@/lib/rules/testing/fixtures";
import { missingPrerequisites, Netns, runOk } from "@/test/rules/netns";
import { writeArtefacts } from "@/lib/rules/write";
import { parsePolicySnapshot, type AddressEntry, type PolicySnapshot } from "@/lib/validation/policy";

const BLOCKLIST_ENTRIES = 1_000_000;
const CLASSIC_ADDRESSES = 2_000;
/** ipset restore runs (each in a fresh namespace); the fastest is reported, as the machine is shared. */
const RESTORE_RUNS = 3;

/** Deterministic pseudo-random numbers (xorshift32), so runs are comparable. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function ipv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** 90% IPv4 hosts, 5% IPv4 /24 networks, 5% IPv6 /64 networks; public-looking, canonical. */
export function randomBlocklist(count: number): AddressEntry[] {
  const next = random(20250601);
  const entries: AddressEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = next();
    const kind = i % 20;
    if (kind === 0) {
      entries[i] = { network: `${ipv4(((r | 0x01000000) & 0xdfffff00) >>> 0)}/24`, comment: "" };
    } else if (kind === 1) {
      const a = next().toString(16);
      entries[i] = { network: `2001:db8:${(r >>> 16).toString(16)}:${a.slice(0, 4)}::/64`, comment: "feed" };
    } else {
      entries[i] = { network: ipv4(((r | 0x01000000) & 0xdfffffff) >>> 0), comment: i % 10 === 5 ? "manual" : "" };
    }
  }
  return entries;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Wall and CPU (user + system) seconds of a command in the namespace, via bash's `time`. */
function timed(ns: Netns, argv: readonly string[]): { wall: number; cpu: number } {
  const out = ns.execOk("bash", ["-c", 'TIMEFORMAT="%R %U %S"; { time "$@" >/dev/null; } 2>&1', "bash", ...argv]);
  const [wall, user, system] = out.trim().split(/\s+/).slice(-3).map(Number);
  return { wall: wall ?? Number.NaN, cpu: (user ?? 0) + (system ?? 0) };
}

function megabytes(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

/** Runs the benchmark and prints its figures; deterministic input, wall-clock timings. */
export async function benchRules(): Promise<void> {
  console.log(`# lib/rules benchmark (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on this shared machine)`);

  let t = performance.now();
  const geo = await loadGeoIpDataset();
  const geoLoadMs = performance.now() - t;
  const countries = new Set<string>();
  for (const code of allCountryCodes()) if (geo.ranges(code, 4).length + geo.ranges(code, 6).length > 0) countries.add(code);
  console.log(`GeoIP dataset ${geo.datasetId}: loaded in ${seconds(geoLoadMs)} (once per process), ${countries.size} countries with data`);

  const blocklist = randomBlocklist(BLOCKLIST_ENTRIES);
  const policy: PolicySnapshot = {
    ...emptyPolicy(),
    blocklist,
    management: [{ network: "198.51.100.10", comment: "office" }],
    geoip: { mode: "FULL_SERVER", countries: [...countries].sort() },
    rateLimit: { ...emptyPolicy().rateLimit, enabled: true },
    fail2ban: { ...emptyPolicy().fail2ban, voipJailEnabled: true, webJailEnabled: true },
  };
  const rssBefore = process.resourceUsage().maxRSS;

  t = performance.now();
  const cpuStart = cpuMs();
  const parsed = parsePolicySnapshot(policy);
  const validateMs = performance.now() - t;
  const validateCpuMs = cpuMs() - cpuStart;
  if (!parsed.ok) throw new Error(`benchmark policy invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  const t2 = performance.now();
  const result = renderParsedRuleset(parsed.value, { nodeName: "bench", tags: [] }, geo, { now: new Date("2025-06-01T00:00:00Z") });
  const renderMs = performance.now() - t2;
  const totalMs = performance.now() - t;
  const totalCpuMs = cpuMs() - cpuStart;
  const peakRss = process.resourceUsage().maxRSS;

  const setLines = result.manifest.sets
    .filter((s) => s.entries !== null)
    .map((s) => `${s.name}=${s.entries}`)
    .join(", ");
  const ipsetBytes = Buffer.byteLength(result.files[ARTEFACT_PATHS.ipset] as string);
  const entryCount = result.manifest.sets.reduce((sum, s) => sum + (s.entries ?? 0), 0);
  console.log(`policy: ${BLOCKLIST_ENTRIES} blocklist entries, GeoIP FULL_SERVER for all ${countries.size} countries`);
  console.log(
    `validate: ${seconds(validateMs)} wall, ${seconds(validateCpuMs)} CPU; compile + render + hash: ${seconds(renderMs)} wall, ` +
      `${seconds(totalCpuMs - validateCpuMs)} CPU; total ${seconds(totalMs)} wall, ${seconds(totalCpuMs)} CPU (target < 15 s)`,
  );
  console.log(`peak RSS: ${megabytes(peakRss)} (before the render: ${megabytes(rssBefore)})`);
  console.log(`sets: ${setLines}`);
  console.log(`ipset.restore: ${entryCount} entries, ${(ipsetBytes / 1e6).toFixed(1)} MB; version ${result.hash.slice(0, 16)}…`);

  const missing = missingPrerequisites(["ip", "ipset", "iptables"]);
  if (missing.length > 0) {
    console.log(`SKIPPED ipset restore and the classic comparison: missing ${missing.join(", ")}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "rampart-bench-"));
  const namespaces: Netns[] = [];
  try {
    await writeArtefacts(dir, result.files);
    let best = { wall: Infinity, cpu: Infinity };
    for (let run = 0; run < RESTORE_RUNS; run++) {
      const ns = Netns.create("rampart-bench");
      namespaces.push(ns);
      const time = timed(ns, ["ipset", "restore", "-file", join(dir, ARTEFACT_PATHS.ipset)]);
      if (time.wall < best.wall) best = time;
      ns.destroy();
    }
    const restoreMs = best.wall * 1000;
    const perEntryUs = (restoreMs * 1000) / entryCount;
    console.log(
      `ipset restore in a fresh namespace (best of ${RESTORE_RUNS}): ${seconds(restoreMs)} wall, ${best.cpu.toFixed(2)} s CPU for ${entryCount} entries, ` +
        `${perEntryUs.toFixed(2)} µs/entry (target < 6 s)`,
    );

    const classic = Netns.create("rampart-bench");
    namespaces.push(classic);
    const next = random(7);
    const addresses = Array.from({ length: CLASSIC_ADDRESSES }, () => ipv4(((next() | 0x01000000) & 0xdfffffff) >>> 0));
    const list = join(dir, "classic-addresses.txt");
    writeFileSync(list, `${addresses.join("\n")}\n`);
    // The classic approach: one iptables process per address, from a shell loop inside the namespace.
    const classicTime = timed(classic, ["sh", "-c", 'while read -r a; do iptables -w -A INPUT -s "$a" -j DROP || exit 1; done < "$1"', "sh", list]);
    const classicMs = classicTime.wall * 1000;
    const classicPerAddressUs = (classicMs * 1000) / CLASSIC_ADDRESSES;
    const backend = runOk("iptables", ["--version"]).trim();
    console.log(
      `classic, one \`iptables -A INPUT -s ADDR -j DROP\` per address (${backend}): ${seconds(classicMs)} for ${CLASSIC_ADDRESSES}, ` +
        `${(classicPerAddressUs / 1000).toFixed(2)} ms/address`,
    );
    console.log(
      `ratio per address: classic ${classicPerAddressUs.toFixed(0)} µs vs ipset restore ${perEntryUs.toFixed(2)} µs = ${(classicPerAddressUs / perEntryUs).toFixed(0)}x; ` +
        `at the classic rate the ${entryCount} entries would take ${((classicPerAddressUs * entryCount) / 3.6e9).toFixed(1)} h`,
    );
  } finally {
    for (const ns of namespaces) ns.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every ISO 3166-1 alpha-2 shaped code; the dataset decides which have data. */
function allCountryCodes(): string[] {
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) codes.push(String.fromCharCode(a, b));
  return codes;
}
