import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelope for secrets at rest (node private keys). Layout:
 *   "RK1" (3 bytes) | key id (8 bytes: first bytes of SHA-256 of the key) | IV (12) | tag (16) | ciphertext
 * The key id lets a wrong or rotated RAMPART_SECRET_KEY fail with a clear message instead of a bare
 * authentication error, and lets `rampart secrets rotate` tell which rows still use the old key. The
 * purpose string is bound as additional authenticated data, so a blob cannot be replayed as another kind.
 */
const MAGIC = Buffer.from("RK1", "ascii");
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

export class EnvelopeKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvelopeKeyError";
  }
}

export function keyIdOf(key: Buffer): Buffer {
  return createHash("sha256").update(key).digest().subarray(0, KEY_ID_BYTES);
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new EnvelopeKeyError("AES-256-GCM needs a 32-byte key.");
}

export function seal(plaintext: Buffer, key: Buffer, purpose: string): Buffer {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, keyIdOf(key), iv, cipher.getAuthTag(), body]);
}

/** Whether the envelope was sealed with this key (by key id; no decryption). */
export function isSealedWith(envelope: Uint8Array, key: Buffer): boolean {
  const buf = Buffer.from(envelope);
  return buf.length >= HEADER_BYTES && buf.subarray(0, 3).equals(MAGIC) && buf.subarray(3, 3 + KEY_ID_BYTES).equals(keyIdOf(key));
}

export function open(envelope: Uint8Array, key: Buffer, purpose: string): Buffer {
  checkKey(key);
  const buf = Buffer.from(envelope);
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 3).equals(MAGIC)) throw new EnvelopeKeyError("Not a Rampart secret envelope.");
  if (!buf.subarray(3, 3 + KEY_ID_BYTES).equals(keyIdOf(key))) {
    throw new EnvelopeKeyError("This secret was encrypted with a different RAMPART_SECRET_KEY; run `rampart secrets rotate --old-key-file FILE` with the previous key.");
  }
  let offset = 3 + KEY_ID_BYTES;
  const iv = buf.subarray(offset, (offset += IV_BYTES));
  const tag = buf.subarray(offset, (offset += TAG_BYTES));
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(purpose, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(buf.subarray(offset)), decipher.final()]);
  } catch {
    throw new EnvelopeKeyError("The secret failed its integrity check (tampered with or damaged).");
  }
}
