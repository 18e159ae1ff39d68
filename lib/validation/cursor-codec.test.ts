import { describe, expect, it } from "vitest";

import { decodeBase64Url, decodeJsonCursor, encodeBase64Url, encodeJsonCursor } from "./cursor-codec";

describe("cursor codec", () => {
  it("round-trips any text, including non-ASCII, in the base64url alphabet without padding", () => {
    for (const text of ["acme", "Zürich GmbH", "東京", "a/b+c", "x".repeat(700)]) {
      const cursor = encodeBase64Url(text);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).toBe(Buffer.from(text, "utf8").toString("base64url"));
      expect(decodeBase64Url(cursor, 2000)).toBe(text);
    }
    expect(decodeJsonCursor(encodeJsonCursor(["2026-11-21T10:00:00.000Z", "id"]), 2000)).toEqual(["2026-11-21T10:00:00.000Z", "id"]);
  });

  it("refuses what it did not make: other alphabets, padding, non-canonical tails, bad UTF-8, over-long input", () => {
    const valid = encodeBase64Url("acme");
    expect(decodeBase64Url(`${valid}==`, 2000)).toBeNull();
    expect(decodeBase64Url("YWNtZQ+/", 2000)).toBeNull();
    expect(decodeBase64Url("YWNtZR", 2000)).toBeNull(); // decodes to "acme" with stray bits
    expect(decodeBase64Url(Buffer.from([0xff, 0xfe]).toString("base64url"), 2000)).toBeNull();
    expect(decodeBase64Url("", 2000)).toBeNull();
    expect(decodeBase64Url(encodeBase64Url("x".repeat(100)), 20)).toBeNull();
    expect(decodeJsonCursor(encodeBase64Url("{not json"), 2000)).toBeUndefined();
    expect(decodeJsonCursor(encodeJsonCursor(null), 2000)).toBeNull();
  });

  it("refuses a cursor holding a control character or an unpaired surrogate, raw or as a JSON escape", () => {
    expect(decodeBase64Url(encodeBase64Url("a\u0000b"), 2000)).toBeNull();
    expect(decodeBase64Url(encodeBase64Url("a\u001fb"), 2000)).toBeNull();
    expect(decodeJsonCursor(encodeBase64Url('["a\\u0000b"]'), 2000)).toBeUndefined();
    expect(decodeJsonCursor(encodeBase64Url('{"n":"\\ud800"}'), 2000)).toBeUndefined();
    expect(decodeJsonCursor(encodeBase64Url('{"\\u0000":1}'), 2000)).toBeUndefined();
  });
});
