import { getEnv } from "@/lib/env";
import { deriveKey, loadOrCreateMasterSecret } from "@/lib/secret-key";

import { open, seal } from "./envelope";

/**
 * Text sealed for one purpose (node private keys, the SMTP password): the key derived from the master secret
 * (RAMPART_SECRET_KEY or the generated <data dir>/secret.key, or `masterSecret` during a rotation), and seal
 * and open bound to that purpose, so an envelope of one kind never opens as the other.
 */
export function sealedTextFor(keyPurpose: "node-keys" | "smtp", envelopePurpose: string) {
  const encryptionKey = (masterSecret?: string): Buffer => {
    const env = getEnv();
    return deriveKey(masterSecret ?? loadOrCreateMasterSecret(env.RAMPART_SECRET_KEY, env.RAMPART_DATA_DIR), keyPurpose);
  };
  return {
    encryptionKey,
    seal: (text: string, key = encryptionKey()): Buffer => seal(Buffer.from(text, "utf8"), key, envelopePurpose),
    open: (envelope: Uint8Array, key = encryptionKey()): string => open(envelope, key, envelopePurpose).toString("utf8"),
  };
}
