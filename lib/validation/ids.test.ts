import { describe, expect, it } from "vitest";

import { isCanonicalUuid, isUuid } from "./ids";

describe("ids", () => {
  const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  it("accepts UUIDs in any case, and only lower case as canonical", () => {
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    expect(isCanonicalUuid(id)).toBe(true);
    expect(isCanonicalUuid(id.toUpperCase())).toBe(false);
  });
  it("refuses anything else, including a UUID inside other text", () => {
    for (const bad of ["", "pbx-1", `${id}\n`, ` ${id}`, id.slice(1), `${id};rm`, "0f8fad5bd9cb469fa16570867728950e"]) {
      expect(isUuid(bad)).toBe(false);
      expect(isCanonicalUuid(bad)).toBe(false);
    }
  });
});
