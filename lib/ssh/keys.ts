import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import ssh2 from "ssh2";

// Default import: ssh2 is CommonJS and Node's ESM loader (tsx, the CLI) cannot see `utils` as a named export.
const { utils } = ssh2;

/**
 * Client key handling: parse what an administrator pastes or uploads, or generate a fresh ed25519 pair. Only
 * unencrypted OpenSSH/PEM private keys are accepted (Rampart must use the key unattended); the private text is
 * returned only to be encrypted by the caller, never logged.
 */
export interface ParsedClientKey {
  /** "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
  type: string;
  /** One authorized_keys line. */
  publicKey: string;
}

export const MAX_PRIVATE_KEY_BYTES = 16 * 1024;

/** Returns the key's type and public half, or an error message fit for a form field. */
export function parseClientPrivateKey(text: string): { ok: true; key: ParsedClientKey } | { ok: false; error: string } {
  if (text.length === 0) return { ok: false, error: "Paste or upload a private key." };
  if (Buffer.byteLength(text, "utf8") > MAX_PRIVATE_KEY_BYTES) return { ok: false, error: "That is too large to be an SSH private key." };
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return { ok: false, error: "That is not a private key (expected -----BEGIN ... PRIVATE KEY-----)." };
  if (/ENCRYPTED/.test(text)) return { ok: false, error: "The key is protected by a passphrase; Rampart needs an unencrypted key (it is encrypted at rest)." };
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    const message = key instanceof Error ? key.message : "unreadable";
    if (/encrypted|passphrase/i.test(message)) return { ok: false, error: "The key is protected by a passphrase; Rampart needs an unencrypted key (it is encrypted at rest)." };
    return { ok: false, error: "The private key could not be read." };
  }
  if (!key.isPrivateKey()) return { ok: false, error: "That is a public key; Rampart needs the private key." };
  return { ok: true, key: { type: key.type, publicKey: `${key.type} ${key.getPublicSSH().toString("base64")} rampart` } };
}

/** One SSH wire-format string: uint32 length, then the bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The raw 32-byte seed and public key of an ed25519 KeyObject (JWK export: base64url, never DER surgery). */
function ed25519Raw(privateKey: KeyObject): { seed: Buffer; publicKey: Buffer } {
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || !jwk.d || !jwk.x) throw new Error("not an ed25519 private key");
  return { seed: Buffer.from(jwk.d, "base64url"), publicKey: Buffer.from(jwk.x, "base64url") };
}

/**
 * An ed25519 private key in OpenSSH's own format (PROTOCOL.key, "openssh-key-v1", unencrypted) and its
 * authorized_keys line. Written here rather than taken from ssh2's generateKeyPairSync, which strips every
 * leading zero byte of the public key, so about one key in 256 comes out 31 bytes long and unusable
 * (mscdex/ssh2#1390). `checkInt` is the random check word OpenSSH repeats twice; fixed only in tests.
 */
export function encodeOpenSshEd25519(privateKey: KeyObject, comment: string, checkInt: Buffer = randomBytes(4)): { privateKey: string; publicKey: string } {
  if (/[\x00-\x1f\x7f]/.test(comment)) throw new Error("a key comment is one line of text");
  const { seed, publicKey } = ed25519Raw(privateKey);
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(publicKey)]);
  const body = Buffer.concat([checkInt, checkInt, sshString("ssh-ed25519"), sshString(publicKey), sshString(Buffer.concat([seed, publicKey])), sshString(comment)]);
  // Padding 1, 2, 3, ... up to the cipher block size (8 for "none").
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const blob = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"),
    sshString("none"),
    sshString(Buffer.alloc(0)),
    Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob),
    sshString(Buffer.concat([body, padding])),
  ]);
  const lines = blob.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}${comment ? ` ${comment}` : ""}`,
  };
}

/** The ed25519 KeyObject for a 32-byte seed (PKCS#8 wrapping of RFC 8410). */
export function ed25519KeyFromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new Error("an ed25519 seed is 32 bytes");
  return createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
}

/** A new ed25519 key pair in OpenSSH format. */
export function generateClientKey(comment = "rampart"): { privateKey: string; publicKey: string } {
  return encodeOpenSshEd25519(generateKeyPairSync("ed25519").privateKey, comment);
}

