// `npm test`: every suite, in order of cost. A suite whose prerequisite is missing on this machine says so
// loudly and is reported as SKIPPED; with RAMPART_REQUIRE_ALL=1 (set by .ci/run) a skip is a failure.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, openSync } from "node:fs";

const requireAll = process.env.RAMPART_REQUIRE_ALL === "1";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const results = [];

function banner(text) {
  const line = "*".repeat(Math.max(60, text.length + 8));
  console.log(`\n${line}\n*** ${text}\n${line}\n`);
}

function run(name, command, args, env = {}) {
  console.log(`\n▶ ${name}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  results.push({ name, status: ok ? "passed" : "failed", seconds: (Date.now() - started) / 1000 });
  return ok;
}

function skip(name, reason) {
  banner(`${name} SKIPPED: ${reason}`);
  results.push({ name, status: requireAll ? "failed" : "skipped", seconds: 0, reason });
}

function pgReachable() {
  const probe = `import("pg").then(async ({ default: pg }) => { const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", connectionTimeoutMillis: 3000 }); await c.connect(); await c.end(); }).catch(() => process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { stdio: "ignore" }).status === 0;
}

// The lab's Asterisk root file system (lab/asterisk.ts): on a machine's first run it takes minutes of debootstrap,
// so it is built in the background while the earlier suites run; the lab stage waits for it (the build holds a lock).
if (isRoot) {
  const log = openSync("/tmp/rampart-asterisk-rootfs.log", "a");
  spawn(process.execPath, ["--import", "tsx", "lab/cli.ts", "rootfs"], { stdio: ["ignore", log, log], detached: true }).unref();
}

const stages = [
  () => run("generate", "node", ["scripts/prisma-generate.mjs"]),
  () => run("lint", "npx", ["eslint", "--max-warnings=0", "."]),
  () => run("typecheck", "npx", ["tsc", "--noEmit"]),
  () => run("unit", "npx", ["vitest", "run", "--config", "vitest.config.ts"]),
  () => run("build", "npm", ["run", "build"]),
  () => {
    if (!pgReachable()) return skip("integration", "no PostgreSQL at TEST_DATABASE_URL (default 127.0.0.1:5432)");
    const env = isRoot ? {} : { RAMPART_NOT_ROOT: "1" };
    if (!isRoot) banner("integration: not root — suites that need network namespaces will say so");
    return run("integration", "npx", ["vitest", "run", "--config", "vitest.integration.config.ts"], env);
  },
  () => {
    if (!isRoot) return skip("lab", "not root: the node lab needs network namespaces");
    if (!run("lab root file system", "npx", ["tsx", "lab/cli.ts", "rootfs"])) return false;
    return run("lab", "npx", ["vitest", "run", "--config", "lab/vitest.lab.config.ts"]);
  },
  () => {
    if (!existsSync("/usr/bin/chromium")) return skip("e2e", "Debian's chromium is not installed (apt-get install chromium)");
    if (!pgReachable()) return skip("e2e", "no PostgreSQL at TEST_DATABASE_URL");
    return run("e2e", "npx", ["playwright", "test"], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" });
  },
];

for (const stage of stages) {
  const ok = stage();
  if (ok === false && results.at(-1)?.status === "failed" && ["generate", "lint", "typecheck", "build"].includes(results.at(-1).name)) break;
}

console.log("\nSummary");
for (const r of results) console.log(`  ${r.status.padEnd(8)} ${r.name}${r.reason ? ` (${r.reason})` : ""}  ${r.seconds.toFixed(1)} s`);
const passed = results.filter((r) => r.status === "passed").length;
const failed = results.filter((r) => r.status === "failed").length;
const skipped = results.filter((r) => r.status === "skipped").length;
console.log(`\nsuites: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (skipped) banner(`${skipped} suite(s) SKIPPED on this machine — CI (.ci/run) runs them all`);
process.exit(failed > 0 ? 1 : 0);
