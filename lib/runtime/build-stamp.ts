import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// `npm start` builds the dashboard when there is no build or when the sources changed since the last one.
// The stamp is a hash of everything the build reads, written next to the build by `npm run build`.

const SOURCE_DIRS = ["app", "components", "lib", "public", "prisma"];
const SOURCE_FILES = ["next.config.js", "proxy.ts", "package-lock.json", "postcss.config.mjs", "tsconfig.json"];

/** Deterministic hash of the build inputs under `root` (generated code and tests excluded). */
export function hashBuildInputs(root: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name === "generated" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(tsx?|css|js|mjs|json|svg|prisma|sql)$/.test(name) && !/\.test\.ts$/.test(name)) {
        hash.update(path.slice(root.length)).update(readFileSync(path));
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest("hex");
}

/** The build directory; RAMPART_NEXT_DIST_DIR (read by next.config.js too) lets parallel builds coexist. */
export function getDistDir(root: string, distDir = ".next"): string {
  return join(root, distDir);
}

const stampPath = (root: string, distDir?: string) => join(getDistDir(root, distDir), "rampart-build-inputs");

export function isBuildCurrent(root: string, distDir?: string): boolean {
  const path = stampPath(root, distDir);
  return existsSync(join(getDistDir(root, distDir), "BUILD_ID")) && existsSync(path) && readFileSync(path, "utf8") === hashBuildInputs(root);
}

export function writeBuildStamp(root: string, distDir?: string): void {
  writeFileSync(stampPath(root, distDir), hashBuildInputs(root));
}
