import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { digestCanonicalJson, digestFiles, hashArtefacts, versionOf } from "./hash";
import { typicalSingleTenantPolicy } from "./testing/fixtures";

/** Reference canonical JSON: sorted keys, no whitespace, undefined left out. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("digestCanonicalJson", () => {
  it("equals SHA-256 of the reference canonical JSON, address-entry fast path included", () => {
    const policy = {
      ...typicalSingleTenantPolicy(),
      extra: [{ network: "x", comment: "y", other: 1 }, { comment: "c", network: "n", expiresAt: null }, { b: [1, "2", null], a: true }],
    };
    const expected = createHash("sha256").update(canonical(policy), "utf8").digest("hex");
    expect(digestCanonicalJson(policy)).toBe(expected);
  });
  it("ignores key order and refuses what JSON cannot hold", () => {
    expect(digestCanonicalJson({ a: 1, b: [2] })).toBe(digestCanonicalJson({ b: [2], a: 1 }));
    expect(() => digestCanonicalJson({ a: Number.NaN })).toThrow();
    expect(() => digestCanonicalJson({ a: 1n })).toThrow();
  });
});

describe("version hash", () => {
  it("frames path, length and file hash, excludes manifest.json and ignores insertion order", () => {
    const files = { "b.txt": "b", "a.txt": "a\n", "manifest.json": "{}" };
    const digests = digestFiles(files);
    expect(Object.keys(digests)).toEqual(["a.txt", "b.txt"]);
    expect(digests["a.txt"]).toEqual({ sha256: createHash("sha256").update("a\n").digest("hex"), bytes: 2 });
    const lines = Object.entries(digests).map(([path, d]) => `${path}\n${d.bytes}\n${d.sha256}\n`).join("");
    expect(versionOf(digests)).toBe(createHash("sha256").update(lines).digest("hex"));
    expect(hashArtefacts({ "a.txt": "a\n", "b.txt": "b" })).toBe(hashArtefacts(files));
    expect(hashArtefacts({ "a.txt": "a", "b.txt": "\nb" })).not.toBe(hashArtefacts({ "a.txt": "a\n", "b.txt": "b" }));
  });
});
