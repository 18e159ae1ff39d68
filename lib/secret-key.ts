import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// Rampart's master secret: RAMPART_SECRET_KEY, or a random key kept in <data dir>/secret.key (mode 0600)
// on first start. Purpose-specific keys are derived from it with HKDF, so one secret serves the session
// signing key and (later) the encryption of node private keys without reusing key material.

/** The master secret as given or as stored; creates the file when neither exists. */
export function loadOrCreateMasterSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const path = join(resolve(dataDir), "secret.key");
  if (existsSync(path)) {
    assertPrivateFile(path);
    return readFileSync(path, "utf8").trim();
  }
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}

/**
 * Refuses a key file other accounts could read (they could forge sessions and decrypt node keys) or
 * write (they could swap the key). The message is the fix, to paste. Windows has no POSIX mode bits.
 */
function assertPrivateFile(path: string): void {
  if (process.platform === "win32") return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `the master secret file ${path} is accessible to group or others (mode ${mode.toString(8).padStart(3, "0")}). ` +
        `Restrict it to its owner and start again: chmod 600 ${path}`,
    );
  }
}

/** A 32-byte key for one purpose, derived deterministically from the master secret. */
export function deriveKey(masterSecret: string, purpose: "session" | "node-keys" | "smtp"): Buffer {
  return Buffer.from(hkdfSync("sha256", masterSecret, "rampart", `rampart:${purpose}`, 32));
}
