// `npm test`: every suite, cheapest first; the lab suite runs beside all the others. A suite
// whose prerequisite is missing on this machine says so loudly and is reported as SKIPPED; with RAMPART_REQUIRE_ALL=1 (set by .ci/run) a skip is a failure.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";

const requireAll = process.env.RAMPART_REQUIRE_ALL === "1";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const results = [];

function banner(text) {
  const line = "*".repeat(Math.max(60, text.length + 8));
  console.log(`\n${line}\n*** ${text}\n${line}\n`);
}

/** Runs a suite with its output on this terminal; resolves true when it passed. Never blocks the event loop, so a
 * suite in the background (runInBackground) goes from one step to the next meanwhile. */
function run(name, command, args, env = {}) {
  console.log(`\n▶ ${name}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      results.push({ name, status: code === 0 ? "passed" : "failed", seconds: (Date.now() - started) / 1000 });
      resolve(code === 0);
    }),
  );
}

function skip(name, reason) {
  banner(`${name} SKIPPED: ${reason}`);
  results.push({ name, status: requireAll ? "failed" : "skipped", seconds: 0, reason });
}

function pgReachable() {
  const probe = `import("pg").then(async ({ default: pg }) => { const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", connectionTimeoutMillis: 3000 }); await c.connect(); await c.end(); }).catch(() => process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { stdio: "ignore" }).status === 0;
}

/** Like run(), but in the background with its output in a file: resolves true when it passed. */
function runInBackground(name, argv, env = {}) {
  const logPath = `/tmp/rampart-test-${name.replace(/\W+/g, "-")}.log`;
  const log = openSync(logPath, "w");
  const started = Date.now();
  console.log(`\n▶ ${name} (in the background, output in ${logPath}): ${argv.join(" ")}`);
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      console.log(`\n▼ ${name} output (${logPath}):\n`);
      process.stdout.write(readFileSync(logPath, "utf8"));
      results.push({ name, status: code === 0 ? "passed" : "failed", seconds: (Date.now() - started) / 1000 });
      resolve(code === 0);
    }),
  );
}

/** Whether the browser suites can run here; asked by both lanes, decided (and a skip reported) once. */
let isE2eReady;
function e2eReady() {
  if (isE2eReady !== undefined) return isE2eReady;
  const reason = !existsSync("/usr/bin/chromium") ? "Debian's chromium is not installed (apt-get install chromium)" : !pgReachable() ? "no PostgreSQL at TEST_DATABASE_URL" : null;
  if (reason !== null) skip("e2e", reason);
  isE2eReady = reason === null;
  return isE2eReady;
}

// The lab suite (lab/*.lab.test.ts) waits on timers and daemons far more than it computes and needs neither the
// build nor the other suites' databases: it starts right after `generate` (first building the lab's Asterisk root
// file system on a machine that has none: minutes of debootstrap) and runs beside everything else. The one
// browser spec that builds a lab (e2e/lab-bans.spec.ts; the lab's bridge name is fixed) follows it, on a server
// of its own (port, database and output directory), beside the other browser specs.
const LAB_E2E_SPEC = "e2e/lab-bans.spec.ts";
const E2E_ENV = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };

async function main() {
  if (!(await run("generate", "node", ["scripts/prisma-generate.mjs"]))) return;
  let buildSettled;
  const buildPassed = new Promise((resolve) => (buildSettled = resolve));
  const lab = isRoot
    ? (async () => {
        if (!(await runInBackground("lab root file system", ["npx", "tsx", "lab/cli.ts", "rootfs"]))) return;
        await runInBackground("lab", ["npx", "vitest", "run", "--config", "lab/vitest.lab.config.ts"]);
        if ((await buildPassed) && e2eReady()) {
          await runInBackground("e2e (lab)", ["npx", "playwright", "test", LAB_E2E_SPEC, "--output", "test-results-lab"], {
            ...E2E_ENV,
            RAMPART_E2E_PORT: "3118",
            RAMPART_E2E_DATABASE: "rampart_e2e_lab",
          });
        }
      })()
    : (skip("lab", "not root: the node lab needs network namespaces"), Promise.resolve());

  const foreground = async () => {
    for (const stage of [
      () => run("lint", "npx", ["eslint", "--max-warnings=0", "."]),
      () => run("typecheck", "npx", ["tsc", "--noEmit"]),
      () => run("unit", "npx", ["vitest", "run", "--config", "vitest.config.ts"]),
      async () => {
        const ok = await run("build", "npm", ["run", "build"]);
        buildSettled(ok);
        return ok;
      },
    ]) {
      if (!(await stage()) && ["lint", "typecheck", "build"].includes(results.at(-1).name)) return;
    }
    if (!pgReachable()) skip("integration", "no PostgreSQL at TEST_DATABASE_URL (default 127.0.0.1:5432)");
    else {
      const env = isRoot ? {} : { RAMPART_NOT_ROOT: "1" };
      if (!isRoot) banner("integration: not root — suites that need network namespaces will say so");
      await run("integration", "npx", ["vitest", "run", "--config", "vitest.integration.config.ts"], env);
    }
    if (e2eReady()) await run("e2e", "npx", ["playwright", "test", "--grep-invert", "bans from a lab node"], E2E_ENV);
  };
  await foreground();
  buildSettled(false); // the foreground stopped before the build: the lab's browser spec has nothing to serve
  await lab;
}

await main();

console.log("\nSummary");
for (const r of results) console.log(`  ${r.status.padEnd(8)} ${r.name}${r.reason ? ` (${r.reason})` : ""}  ${r.seconds.toFixed(1)} s`);
const passed = results.filter((r) => r.status === "passed").length;
const failed = results.filter((r) => r.status === "failed").length;
const skipped = results.filter((r) => r.status === "skipped").length;
console.log(`\nsuites: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (skipped) banner(`${skipped} suite(s) SKIPPED on this machine — CI (.ci/run) runs them all`);
process.exit(failed > 0 ? 1 : 0);
