// `npm run bench [-- NAME...]`: prints measured figures (never asserts timings). Each benchmark builds its
// own data on the local PostgreSQL (TEST_DATABASE_URL) or in throw-away network namespaces, and cleans up.
import { benchBans } from "./bans";
import { benchCdrs } from "./cdrs";
import { benchCollector } from "./collector";
import { benchDrift } from "./drift";
import { benchEfficacy } from "./efficacy";
import { benchGuard } from "./guard";
import { benchLists } from "./lists";
import { benchEmbedded } from "./embedded";
import { benchLoad } from "./load";
import { benchPush } from "./push";
import { benchRules } from "./rules";

const benches: Record<string, { title: string; run: () => Promise<void> }> = {
  embedded: { title: "Embedded database options: PostgreSQL server vs PGlite behind one serialised connection", run: benchEmbedded },
  load: { title: "Dashboard under 20 parallel clients: page and API time, embedded database and DATABASE_URL", run: benchLoad },
  lists: { title: "Address lists: 1,000,000-entry blocklist import, list page, covers query", run: benchLists },
  bans: { title: "Bans page: listBans over 1,000,000 stored ban events (first, filtered and deep keyset pages)", run: benchBans },
  cdrs: { title: "CDR ingestion: 200,000 cdr_csv lines parsed and stored in polls of 5,000, beside no-check splitting and raw INSERTs", run: benchCdrs },
  guard: { title: "Call guard: decision latency per call on the node (50,000 rates), panel reachable and not, beside dash and a rule-less AGI", run: benchGuard },
  collector: { title: "Collector: one cycle over 20 lab nodes (wall time and CPU), cold and with reused connections", run: benchCollector },
  efficacy: { title: "Efficacy on real Asterisk 22: svcrack, svwar and a 2,000/s REGISTER flood, with no rules and with Rampart", run: benchEfficacy },
  drift: { title: "Drift digest on a node: the agent's digest with set members, beside ipset list -t and ipset save", run: benchDrift },
  push: { title: "Safe push to lab nodes: 1,000,000 entries to one node, a typical policy to 10 nodes at once", run: benchPush },
  rules: { title: "Ruleset compiler: 1,000,000 entries + GeoIP for every country, ipset restore vs iptables -A", run: benchRules },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in benches));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  for (const [name, bench] of Object.entries(benches)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    console.log(`\n=== ${name}: ${bench.title}`);
    const started = process.hrtime.bigint();
    await bench.run();
    console.log(`=== ${name} done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
