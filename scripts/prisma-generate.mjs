// Runs `prisma generate` with a stub schema engine: the native engine cannot be downloaded on every
// machine and generation does not need it. Skips the work when the client is already up to date.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = join(root, "prisma", "schema.prisma");
const outDir = join(root, "lib", "generated", "prisma");
const stampPath = join(outDir, ".schema-hash");
const prismaBin = join(root, "node_modules", ".bin", "prisma");

if (!existsSync(schemaPath) || !existsSync(prismaBin)) process.exit(0);

const hash = createHash("sha256").update(readFileSync(schemaPath)).digest("hex");
if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === hash) process.exit(0);

const stubDir = join(root, "node_modules", ".cache", "rampart");
const stub = join(stubDir, "schema-engine-stub");
mkdirSync(stubDir, { recursive: true });
writeFileSync(stub, "#!/bin/sh\necho 'schema engine not available on this machine' >&2\nexit 1\n");
chmodSync(stub, 0o755);

const result = spawnSync(prismaBin, ["generate"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stub,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stampPath, hash);
