import { getEnv } from "@/lib/env";
import { deriveKey, loadOrCreateMasterSecret } from "@/lib/secret-key";

import { open, seal } from "./envelope";

// Node private keys at rest: AES-256-GCM with a key derived (HKDF, purpose "node-keys") from the master
// secret, RAMPART_SECRET_KEY or the generated <data dir>/secret.key. Decrypted text lives only for the length
// of an SSH connection attempt and is never logged or returned to a client.

const PURPOSE = "rampart:node-private-key";

export function nodeKeyEncryptionKey(masterSecret?: string): Buffer {
  const env = getEnv();
  return deriveKey(masterSecret ?? loadOrCreateMasterSecret(env.RAMPART_SECRET_KEY, env.RAMPART_DATA_DIR), "node-keys");
}

export function sealNodeKey(privateKey: string, key = nodeKeyEncryptionKey()): Buffer {
  return seal(Buffer.from(privateKey, "utf8"), key, PURPOSE);
}

export function openNodeKey(envelope: Uint8Array, key = nodeKeyEncryptionKey()): string {
  return open(envelope, key, PURPOSE).toString("utf8");
}
