import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import ssh2 from "ssh2";

import { ed25519KeyFromSeed, encodeOpenSshEd25519, generateClientKey, parseClientPrivateKey } from "./keys";

// Generated node keys must be readable by ssh2 (the panel signs with them) and by OpenSSH (the node checks
// them). ssh2's own generator loses leading zero bytes of the public key; these tests pin that case.

const { utils } = ssh2;

/** A deterministic seed whose ed25519 public key starts with a zero byte (about one seed in 256). */
function seedWithLeadingZeroPublicKey(): Buffer {
  for (let i = 0; i < 100_000; i++) {
    const seed = createHash("sha256").update(`rampart-${i}`).digest();
    const x = Buffer.from(ed25519KeyFromSeed(seed).export({ format: "jwk" }).x!, "base64url");
    if (x[0] === 0) return seed;
  }
  throw new Error("no seed found");
}

function parsed(text: string) {
  const key = utils.parseKey(text);
  if (key instanceof Error) throw key;
  return Array.isArray(key) ? key[0]! : key;
}

describe("encodeOpenSshEd25519", () => {
  it("encodes RFC 8032's first test key with its known public key, and ssh2 reads both halves back", () => {
    const seed = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
    const pair = encodeOpenSshEd25519(ed25519KeyFromSeed(seed), "rfc8032", Buffer.from("01020304", "hex"));
    const publicBlob = Buffer.from(pair.publicKey.split(" ")[1]!, "base64");
    expect(publicBlob.subarray(-32).toString("hex")).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* rfc8032$/);
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);

    const privateKey = parsed(pair.privateKey);
    expect(privateKey.type).toBe("ssh-ed25519");
    expect(privateKey.isPrivateKey()).toBe(true);
    expect(privateKey.comment).toBe("rfc8032");
    expect(privateKey.getPublicSSH().equals(publicBlob)).toBe(true);
    expect(parsed(pair.publicKey).getPublicSSH().equals(publicBlob)).toBe(true);
  });

  it("keeps a public key that starts with a zero byte at 32 bytes, and the key signs what its public half verifies", () => {
    const key = ed25519KeyFromSeed(seedWithLeadingZeroPublicKey());
    const pair = encodeOpenSshEd25519(key, "zero");
    const publicBlob = Buffer.from(pair.publicKey.split(" ")[1]!, "base64");
    // string "ssh-ed25519" (4 + 11) then string key (4 + 32), the key's first byte 0.
    expect(publicBlob.length).toBe(51);
    expect(publicBlob.readUInt32BE(15)).toBe(32);
    expect(publicBlob[19]).toBe(0);

    const privateKey = parsed(pair.privateKey);
    const data = Buffer.from("rampart push confirmation");
    const signature = privateKey.sign(data);
    expect(signature).toBeInstanceOf(Buffer);
    expect(verify(null, data, createPublicKey(key), signature as Buffer)).toBe(true);
    expect(parsed(pair.publicKey).verify(data, signature as Buffer)).toBe(true);
  });

  it("pads the private section to the 8-byte block with 1, 2, 3, ... whatever the comment's length", () => {
    const key = ed25519KeyFromSeed(Buffer.alloc(32, 7));
    for (const comment of ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"]) {
      const text = encodeOpenSshEd25519(key, comment).privateKey;
      const blob = Buffer.from(text.replace(/-----[A-Z ]+-----|\n/g, ""), "base64");
      expect(parsed(text).comment).toBe(comment);
      // The last field of the blob is the private section; its length is a multiple of 8.
      const sectionLength = readLastStringLength(blob);
      expect(sectionLength % 8).toBe(0);
      // The padding bytes count up from 1.
      const padding = blob.subarray(blob.length - (sectionLength - unpaddedLength(comment)));
      expect([...padding]).toEqual(Array.from({ length: padding.length }, (_, i) => i + 1));
    }
  });

  it("refuses a comment with a line break or another control character", () => {
    const key = ed25519KeyFromSeed(Buffer.alloc(32, 1));
    expect(() => encodeOpenSshEd25519(key, "a\nb")).toThrow(/one line/);
    expect(() => encodeOpenSshEd25519(key, "a\u0000")).toThrow(/one line/);
  });
});

/** checkint x2, string type, string public key, string seed+public, string comment. */
function unpaddedLength(comment: string): number {
  return 8 + (4 + 11) + (4 + 32) + (4 + 64) + (4 + Buffer.byteLength(comment));
}

/** Walks the openssh-key-v1 blob to its last field (the private section) and returns that field's length. */
function readLastStringLength(blob: Buffer): number {
  let offset = "openssh-key-v1\0".length;
  const skipString = () => {
    const length = blob.readUInt32BE(offset);
    offset += 4 + length;
    return length;
  };
  skipString(); // cipher
  skipString(); // kdf
  skipString(); // kdf options
  offset += 4; // number of keys
  skipString(); // public key
  const length = skipString(); // private section
  expect(offset).toBe(blob.length);
  return length;
}

describe("generateClientKey", () => {
  it("makes keys that parse as Rampart's own client keys, 2,000 times in a row", () => {
    // ssh2's generator fails about once in 256 keys; 2,000 keys make that failure all but certain to show.
    for (let i = 0; i < 2_000; i++) {
      const pair = generateClientKey("node");
      const result = parseClientPrivateKey(pair.privateKey);
      if (!result.ok) throw new Error(`generated key ${i} does not parse: ${result.error}`);
      expect(result.key.type).toBe("ssh-ed25519");
      expect(result.key.publicKey.split(" ")[1]).toBe(pair.publicKey.split(" ")[1]);
    }
  });
});
