import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateMasterSecret } from "./secret-key";

const freshDir = () => mkdtempSync(join(tmpdir(), "rampart-secret-"));

describe.skipIf(process.platform === "win32")("loadOrCreateMasterSecret", () => {
  it("creates the key file readable by its owner only and reads it back", () => {
    const dir = freshDir();
    const secret = loadOrCreateMasterSecret(undefined, dir);
    const path = join(dir, "secret.key");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim()).toBe(secret);
    expect(loadOrCreateMasterSecret(undefined, dir)).toBe(secret);
  });

  it.each([0o640, 0o604, 0o644, 0o620, 0o602])("refuses a key file with mode %o and prints the chmod that fixes it", (mode) => {
    const dir = freshDir();
    const path = join(dir, "secret.key");
    writeFileSync(path, "a".repeat(43));
    chmodSync(path, mode);
    expect(() => loadOrCreateMasterSecret(undefined, dir)).toThrow(`chmod 600 ${path}`);
    chmodSync(path, 0o600);
    expect(loadOrCreateMasterSecret(undefined, dir)).toBe("a".repeat(43));
  });

  it("does not look at the file when the secret is configured", () => {
    const dir = freshDir();
    const path = join(dir, "secret.key");
    writeFileSync(path, "ignored");
    chmodSync(path, 0o644);
    expect(loadOrCreateMasterSecret("configured-secret-0123456789abcdef", dir)).toBe("configured-secret-0123456789abcdef");
  });
});
