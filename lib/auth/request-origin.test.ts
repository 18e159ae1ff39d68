import { describe, expect, it } from "vitest";
import { isSameOriginRequest, originHost, refuseCrossOriginAction } from "./request-origin";

const headersOf = (values: Record<string, string>) => new Headers(values);

describe("originHost", () => {
  it("reads the host of a browser's Origin", () => {
    expect(originHost("https://rampart.example")).toBe("rampart.example");
    expect(originHost("http://localhost:3000")).toBe("localhost:3000");
    expect(originHost("http://[::1]:3000")).toBe("[::1]:3000");
  });

  it("gives null for a missing, null, malformed or non-http Origin instead of throwing", () => {
    for (const origin of [null, "null", "", "not a url", "http://", "file:///etc/passwd", "javascript:alert(1)", "https://a.example/path", "https://u:p@a.example", "http://a.example\u0000"]) {
      expect(originHost(origin), JSON.stringify(origin)).toBeNull();
    }
  });
});

describe("isSameOriginRequest", () => {
  it("accepts an Origin naming the Host or the first X-Forwarded-Host", () => {
    expect(isSameOriginRequest(headersOf({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(true);
    expect(isSameOriginRequest(headersOf({ origin: "https://rampart.example", host: "10.0.0.5:3000", "x-forwarded-host": "rampart.example, inner" }))).toBe(true);
  });

  it("refuses a missing, null, malformed or foreign Origin", () => {
    for (const origin of [undefined, "null", "%%%", "http://evil.example", "http://localhost:3001", "http://localhost:3000.evil.example"]) {
      const values: Record<string, string> = { host: "localhost:3000" };
      if (origin !== undefined) values.origin = origin;
      expect(isSameOriginRequest(headersOf(values)), String(origin)).toBe(false);
    }
    expect(isSameOriginRequest(headersOf({ origin: "http://localhost:3000" }))).toBe(false);
  });
});

describe("refuseCrossOriginAction", () => {
  it("answers a server-action POST without this site's Origin with a 403, and leaves everything else alone", async () => {
    const action = (values: Record<string, string>) => ({ method: "POST", headers: headersOf({ "next-action": "abc123", host: "localhost:3000", ...values }) });
    const refused = refuseCrossOriginAction(action({ origin: "http://evil.example" }));
    expect(refused?.status).toBe(403);
    expect(await refused?.text()).toMatch(/Cross-origin/);
    expect(refuseCrossOriginAction(action({}))?.status).toBe(403);
    expect(refuseCrossOriginAction(action({ origin: "null" }))?.status).toBe(403);
    expect(refuseCrossOriginAction(action({ origin: "http://localhost:3000" }))).toBeNull();
    expect(refuseCrossOriginAction({ method: "GET", headers: headersOf({ "next-action": "abc123" }) })).toBeNull();
    expect(refuseCrossOriginAction({ method: "POST", headers: headersOf({ origin: "http://evil.example" }) })).toBeNull();
  });
});
