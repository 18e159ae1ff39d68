import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy, createNonce } from "./security-headers";

const directivesOf = (policy: string) =>
  new Map(policy.split("; ").map((part) => {
    const [name, ...values] = part.split(" ");
    return [name!, values];
  }));

describe("buildContentSecurityPolicy", () => {
  it("allows scripts only with the nonce, and forbids plugins, framing and <base>", () => {
    const policy = directivesOf(buildContentSecurityPolicy("abc123==", { isDevelopment: false, isHttps: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("adds eval only in development and upgrade-insecure-requests only behind HTTPS", () => {
    expect(directivesOf(buildContentSecurityPolicy("n", { isDevelopment: true, isHttps: false })).get("script-src")).toContain("'unsafe-eval'");
    expect(directivesOf(buildContentSecurityPolicy("n", { isDevelopment: false, isHttps: true })).has("upgrade-insecure-requests")).toBe(true);
  });
});

describe("createNonce", () => {
  it("is 128 bits of base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
