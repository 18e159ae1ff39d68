import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeArtefacts, encodeArtefacts } from "./versions";

describe("artefact encoding", () => {
  it("round-trips and is deterministic whatever the key order", () => {
    const a = encodeArtefacts({ "b.rules": "2\n", "a.restore": "1\n" });
    const b = encodeArtefacts({ "a.restore": "1\n", "b.rules": "2\n" });
    expect(Buffer.compare(a, b)).toBe(0);
    expect(decodeArtefacts(a)).toEqual({ "a.restore": "1\n", "b.rules": "2\n" });
  });

  it("refuses content that is not a path-to-text map", () => {
    expect(() => decodeArtefacts(gzipSync(JSON.stringify({ a: 1 })))).toThrow();
  });
});
