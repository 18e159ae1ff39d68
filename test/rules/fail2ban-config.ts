/**
 * Throw-away fail2ban configurations for the tests that run the real fail2ban-regex over Rampart's filters: the
 * host's /etc/fail2ban copied into a temporary directory with one of Rampart's filters written where its artefact
 * path puts it. Directories are removed after the test file. Tests only.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll } from "vitest";

export function createTempDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** A copy of /etc/fail2ban in a new directory of `tempDir` with TEXT at ARTEFACT_PATH ("fail2ban/filter.d/..."). */
export function fail2banConfigWith(tempDir: (prefix: string) => string, artefactPath: string, text: string): string {
  const dir = tempDir("rampart-f2b-");
  cpSync("/etc/fail2ban", dir, { recursive: true });
  writeFileSync(join(dir, artefactPath.replace(/^fail2ban\//, "")), text);
  return dir;
}
