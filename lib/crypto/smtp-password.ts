import { sealedTextFor } from "./sealed-text";

// The SMTP password of the notification settings at rest: AES-256-GCM with a key derived (HKDF, purpose "smtp")
// from the master secret. Decrypted only to open an SMTP connection; never logged or returned to a client.

const smtpPassword = sealedTextFor("smtp", "rampart:smtp-password");

export const smtpEncryptionKey = smtpPassword.encryptionKey;
export const sealSmtpPassword = smtpPassword.seal;
export const openSmtpPassword = smtpPassword.open;
