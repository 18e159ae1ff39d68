import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";

import { EnvelopeKeyError, isSealedWith, open, seal } from "./envelope";

describe("secret envelope", () => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const secret = Buffer.from("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n");

  it("round-trips and never contains the plaintext", () => {
    const sealed = seal(secret, key, "p");
    expect(open(sealed, key, "p").equals(secret)).toBe(true);
    expect(sealed.includes(Buffer.from("OPENSSH"))).toBe(false);
    expect(seal(secret, key, "p").equals(sealed)).toBe(false);
  });

  it("says which key a blob needs, and refuses another key with a message that names the rotation command", () => {
    const sealed = seal(secret, key, "p");
    expect(isSealedWith(sealed, key)).toBe(true);
    expect(isSealedWith(sealed, other)).toBe(false);
    expect(() => open(sealed, other, "p")).toThrow(/rampart secrets rotate/);
  });

  it("detects tampering and a different purpose", () => {
    const sealed = seal(secret, key, "p");
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => open(flipped, key, "p")).toThrow(EnvelopeKeyError);
    expect(() => open(sealed, key, "q")).toThrow(/integrity/);
    expect(() => open(Buffer.from("nope"), key, "p")).toThrow(/Not a Rampart/);
  });
});
