// `npm start`, `npm run dev` and `npm run worker`: generate the Prisma client if the schema changed, then run
// the entry point as one Node.js process (tsx as a loader, not a wrapper process). Signals reach it: npm
// passes SIGINT/SIGTERM to this process, which hands them on and exits with the child's own code, so
// stopping `npm start` stops the dashboard and its database instead of orphaning them.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/launch.mjs <entry.ts> [args...]");
  process.exit(2);
}

const generated = spawnSync(process.execPath, [join(root, "scripts", "prisma-generate.mjs")], { stdio: "inherit" });
if (generated.status !== 0) process.exit(generated.status ?? 1);

const child = spawn(process.execPath, ["--import", "tsx", join(root, entry), ...args], { stdio: "inherit", cwd: root });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 1) : 1)));
