// `npm test`: every suite, cheapest first; the lab suite runs beside the integration and browser suites. A suite
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

/** Like run(), but in the background with its output in a file: resolves when it ends. */
function runInBackground(name, steps) {
  const logPath = `/tmp/rampart-test-${name}.log`;
  const log = openSync(logPath, "w");
  const started = Date.now();
  console.log(`\n▶ ${name} (in the background, output in ${logPath}): ${steps.map((s) => s.join(" ")).join(" && ")}`);
  const script = steps.map((argv) => argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ")).join(" && ");
  const child = spawn("sh", ["-c", script], { stdio: ["ignore", log, log] });
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      console.log(`\n▼ ${name} output (${logPath}):\n`);
      process.stdout.write(readFileSync(logPath, "utf8"));
      results.push({ name, status: code === 0 ? "passed" : "failed", seconds: (Date.now() - started) / 1000 });
      resolve(code === 0);
    }),
  );
}

// The lab suite (lab/*.lab.test.ts) waits on timers and daemons far more than it computes, and shares nothing
// with the integration and browser suites but the lab's fixed bridge name: it runs beside them, and the one
// browser spec that builds a lab (e2e/lab-bans.spec.ts) runs after it.
const LAB_E2E_SPEC = "e2e/lab-bans.spec.ts";

async function main() {
  for (const stage of [
    () => run("generate", "node", ["scripts/prisma-generate.mjs"]),
    () => run("lint", "npx", ["eslint", "--max-warnings=0", "."]),
    () => run("typecheck", "npx", ["tsc", "--noEmit"]),
    () => run("unit", "npx", ["vitest", "run", "--config", "vitest.config.ts"]),
    () => run("build", "npm", ["run", "build"]),
  ]) {
    if (!stage() && ["generate", "lint", "typecheck", "build"].includes(results.at(-1).name)) return;
  }

  const lab = isRoot
    ? runInBackground("lab", [
        ["npx", "tsx", "lab/cli.ts", "rootfs"],
        ["npx", "vitest", "run", "--config", "lab/vitest.lab.config.ts"],
      ])
    : (skip("lab", "not root: the node lab needs network namespaces"), Promise.resolve(false));

  if (!pgReachable()) skip("integration", "no PostgreSQL at TEST_DATABASE_URL (default 127.0.0.1:5432)");
  else {
    const env = isRoot ? {} : { RAMPART_NOT_ROOT: "1" };
    if (!isRoot) banner("integration: not root — suites that need network namespaces will say so");
    run("integration", "npx", ["vitest", "run", "--config", "vitest.integration.config.ts"], env);
  }

  const e2eEnv = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  const e2eReady = () => {
    if (!existsSync("/usr/bin/chromium")) return skip("e2e", "Debian's chromium is not installed (apt-get install chromium)"), false;
    if (!pgReachable()) return skip("e2e", "no PostgreSQL at TEST_DATABASE_URL"), false;
    return true;
  };
  const hasE2e = e2eReady();
  if (hasE2e) run("e2e", "npx", ["playwright", "test", "--grep-invert", "bans from a lab node"], e2eEnv);
  await lab;
  if (hasE2e) run("e2e (lab)", "npx", ["playwright", "test", LAB_E2E_SPEC], e2eEnv);
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
