import { getEnv } from "@/lib/env";
import { deriveKey, loadOrCreateMasterSecret } from "@/lib/secret-key";

import { open, seal } from "./envelope";

// The SMTP password of the notification settings at rest: AES-256-GCM with a key derived (HKDF, purpose "smtp")
// from the master secret. Decrypted only to open an SMTP connection; never logged or returned to a client.

const PURPOSE = "rampart:smtp-password";

export function smtpEncryptionKey(masterSecret?: string): Buffer {
  const env = getEnv();
  return deriveKey(masterSecret ?? loadOrCreateMasterSecret(env.RAMPART_SECRET_KEY, env.RAMPART_DATA_DIR), "smtp");
}

export function sealSmtpPassword(password: string, key = smtpEncryptionKey()): Buffer {
  return seal(Buffer.from(password, "utf8"), key, PURPOSE);
}

export function openSmtpPassword(envelope: Uint8Array, key = smtpEncryptionKey()): string {
  return open(envelope, key, PURPOSE).toString("utf8");
}
