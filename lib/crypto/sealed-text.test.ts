import { describe, expect, it } from "vitest";

import { deriveKey } from "@/lib/secret-key";

import { openNodeKey, sealNodeKey } from "./node-keys";
import { openSmtpPassword, sealSmtpPassword } from "./smtp-password";

// Node keys and the SMTP password share one sealing scheme but never each other's envelopes or keys.

const master = "a master secret of at least thirty-two characters";

describe("sealed text", () => {
  it("opens what it sealed with the same key", () => {
    const key = deriveKey(master, "node-keys");
    expect(openNodeKey(sealNodeKey("-----BEGIN OPENSSH PRIVATE KEY-----", key), key)).toBe("-----BEGIN OPENSSH PRIVATE KEY-----");
    const smtpKey = deriveKey(master, "smtp");
    expect(openSmtpPassword(sealSmtpPassword("s3cret pässword", smtpKey), smtpKey)).toBe("s3cret pässword");
  });

  it("never opens a node key envelope as an SMTP password, even with the same key", () => {
    const key = deriveKey(master, "node-keys");
    const envelope = sealNodeKey("private", key);
    expect(() => openSmtpPassword(envelope, key)).toThrow();
    expect(() => openNodeKey(sealSmtpPassword("password", key), key)).toThrow();
  });

  it("refuses an envelope sealed under another master secret", () => {
    const envelope = sealNodeKey("private", deriveKey(master, "node-keys"));
    expect(() => openNodeKey(envelope, deriveKey(`${master}!`, "node-keys"))).toThrow();
  });
});
