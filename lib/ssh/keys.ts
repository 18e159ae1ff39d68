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

/** A new ed25519 key pair in OpenSSH format. */
export function generateClientKey(comment = "rampart"): { privateKey: string; publicKey: string } {
  const pair = utils.generateKeyPairSync("ed25519", { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}
