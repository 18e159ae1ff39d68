import { sealedTextFor } from "./sealed-text";

// Node private keys at rest: AES-256-GCM with a key derived (HKDF, purpose "node-keys") from the master
// secret. Decrypted text lives only for the length of an SSH connection attempt and is never logged or
// returned to a client.

const nodeKeys = sealedTextFor("node-keys", "rampart:node-private-key");

export const nodeKeyEncryptionKey = nodeKeys.encryptionKey;
export const sealNodeKey = nodeKeys.seal;
export const openNodeKey = nodeKeys.open;
