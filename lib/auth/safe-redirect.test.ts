import { describe, expect, it } from "vitest";
import { toSafeRedirectPath } from "./safe-redirect";

const origin = "https://rampart.example.com";

describe("toSafeRedirectPath", () => {
  it.each([
    ["/nodes", "/nodes"],
    ["/users?q=a%20b&tokens=x", "/users?q=a%20b&tokens=x"],
    ["/audit#latest", "/audit#latest"],
    ["/nodes/../users", "/users"],
    ["/", "/"],
  ])("keeps the same-origin path %j", (input, expected) => {
    expect(toSafeRedirectPath(input, origin)).toBe(expected);
  });

  it.each([
    // What the browser makes of "/%09/evil.example/" after decoding the query string.
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "/\u0000/x",
    "/\u007f/x",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/.//evil.example/",
    "/./%2e//evil.example/",
    "https://evil.example/",
    "http://rampart.example.com/nodes",
    "javascript:alert(1)",
    "data:text/html,hi",
    "nodes",
    "",
    "/".repeat(2_001),
  ])("refuses %j", (input) => {
    const result = toSafeRedirectPath(input, origin);
    expect(result).toBe("/");
  });

  it("takes the first of repeated query parameters and refuses non-strings", () => {
    expect(toSafeRedirectPath(["/nodes", "//evil.example"], origin)).toBe("/nodes");
    expect(toSafeRedirectPath(undefined, origin)).toBe("/");
    expect(toSafeRedirectPath(42, origin)).toBe("/");
  });

  it("accepts an absolute URL only when asked and only of the same origin", () => {
    expect(toSafeRedirectPath(`${origin}/nodes?x=1`, origin, { isAbsoluteAllowed: true })).toBe("/nodes?x=1");
    expect(toSafeRedirectPath(`${origin}/nodes`, origin)).toBe("/");
    for (const hostile of [
      "https://evil.example/",
      "http://rampart.example.com/",
      "https://rampart.example.com.evil.example/",
      "https://user:pw@rampart.example.com/",
      `${origin}//evil.example/`,
      `${origin}/\t/x`,
    ]) {
      expect(toSafeRedirectPath(hostile, origin, { isAbsoluteAllowed: true }), hostile).toBe("/");
    }
  });

  it("never returns something a browser would resolve to another origin", () => {
    const samples = ["/a", "/%09/evil", "/%2F/evil", "/%5C/evil", "/..//evil", "/;//evil", "/?//evil", "/#//evil"];
    for (const sample of samples) {
      const result = toSafeRedirectPath(sample, origin);
      expect(new URL(result, origin).origin, sample).toBe(origin);
      expect(result.startsWith("//"), sample).toBe(false);
    }
  });
});
