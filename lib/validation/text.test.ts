import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { isAppError } from "@/lib/errors";
import { assertSafeInput, findUnsafeCharacter, findUnsafeValue, replaceUnsafeCharacters, safeText } from "./text";

describe("findUnsafeCharacter", () => {
  it("finds C0 controls, DEL and unpaired surrogates, with their position", () => {
    expect(findUnsafeCharacter("a\u0000b")).toBe("a control character (U+0000) at position 2");
    expect(findUnsafeCharacter("\u001b[31m")).toBe("a control character (U+001B) at position 1");
    expect(findUnsafeCharacter("x\u007f")).toBe("a control character (U+007F) at position 2");
    expect(findUnsafeCharacter("\ud800")).toBe("an unpaired surrogate (U+D800) at position 1");
    expect(findUnsafeCharacter("a\udc00")).toBe("an unpaired surrogate (U+DC00) at position 2");
    expect(findUnsafeCharacter("\udc00\ud800")).toBe("an unpaired surrogate (U+DC00) at position 1");
  });

  it("passes ordinary text, paired surrogates (emoji) and, in multi-line fields only, tabs and line breaks", () => {
    for (const text of ["", "acme", "Zürich GmbH", "東京", "😀 ok", "a b"]) expect(findUnsafeCharacter(text)).toBeNull();
    expect(findUnsafeCharacter("a\tb")).not.toBeNull();
    expect(findUnsafeCharacter("a\nb\r\n")).not.toBeNull();
    expect(findUnsafeCharacter("a\tb\nc\r\n", { isMultiline: true })).toBeNull();
    expect(findUnsafeCharacter("a\nb\u0000", { isMultiline: true })).not.toBeNull();
  });

  it("agrees with the well-formedness of the string and its C0 code points for any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const isWellFormed = Buffer.from(text, "utf8").toString("utf8") === text;
        const hasControl = /[\u0000-\u001f\u007f]/.test(text);
        expect(findUnsafeCharacter(text) === null).toBe(isWellFormed && !hasControl);
      }),
      { numRuns: 500 },
    );
  });
});

describe("replaceUnsafeCharacters", () => {
  it("replaces exactly what findUnsafeCharacter refuses, one U+FFFD each, keeping pairs and allowed breaks", () => {
    expect(replaceUnsafeCharacters("a\u0000b\ud800c\u{1f600}")).toBe("a\ufffdb\ufffdc\u{1f600}");
    expect(replaceUnsafeCharacters("x\ty\r\n", { isMultiline: true })).toBe("x\ty\r\n");
    expect(replaceUnsafeCharacters("x\ty")).toBe("x\ufffdy");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const replaced = replaceUnsafeCharacters(text);
        expect(findUnsafeCharacter(replaced)).toBeNull();
        expect(replaced === text).toBe(findUnsafeCharacter(text) === null);
      }),
      { numRuns: 500 },
    );
  });
});

describe("safeText", () => {
  it("refuses unsafe text with a message and keeps the chained checks", () => {
    const schema = safeText({ error: "Name must be text." }).trim().max(5, "too long");
    expect(schema.parse("  abc ")).toBe("abc");
    expect(schema.safeParse(12).error?.issues[0]?.message).toBe("Name must be text.");
    expect(schema.safeParse("a\u0000").error?.issues[0]?.message).toMatch(/control characters.*U\+0000/i);
    expect(schema.safeParse("\ud800").error?.issues[0]?.message).toMatch(/unpaired surrogate \(U\+D800\)/);
    expect(safeText({ isMultiline: true }).parse("a\nb")).toBe("a\nb");
  });
});

describe("findUnsafeValue and assertSafeInput", () => {
  it("walks arrays, objects and keys, and reports the path", () => {
    expect(findUnsafeValue({ a: [1, "ok", { b: "x\u0000" }] })).toEqual({ path: ["a", 2, "b"], found: "a control character (U+0000) at position 2" });
    expect(findUnsafeValue({ "k\ud800": 1 })?.path).toEqual(["k\ud800"]);
    expect(findUnsafeValue({ text: "line 1\nline 2\tx" })).toBeNull();
    expect(findUnsafeValue([true, null, 3, "fine"])).toBeNull();
  });

  it("throws a 422 AppError naming the field", () => {
    let thrown: unknown;
    try {
      assertSafeInput({ search: "a\u0000b" }, "Query parameter");
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.status).toBe(422);
    expect(isAppError(thrown) && thrown.message).toMatch(/^Query parameter search: Control characters/);
    expect(isAppError(thrown) && thrown.fieldErrors?.search?.length).toBe(1);
    expect(() => assertSafeInput({ search: "abc" }, "Query parameter")).not.toThrow();
  });
});
