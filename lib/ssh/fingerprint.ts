import { createHash } from "node:crypto";

/**
 * OpenSSH's SHA256 fingerprint of a raw public key blob ("SHA256:" + unpadded base64), the form
 * `ssh-keygen -l -E sha256` prints and administrators compare against. The one format pinned in the database.
 */
export function fingerprintOfKeyBlob(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Strict form of a pinned fingerprint: 43 unpadded base64 characters after "SHA256:". */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Accepts the fingerprint as pasted (surrounding space, trailing "=" padding) and returns the strict form, or null. */
export function normalizeFingerprint(text: string): string | null {
  const trimmed = text.trim().replace(/=+$/, "");
  return FINGERPRINT_PATTERN.test(trimmed) ? trimmed : null;
}
