import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HSTS_VALUE } from "./security-headers";

// proxy.ts as Next.js calls it: the CSP and its nonce on every page (sign-in included), the sign-in
// redirect for dashboard pages only, HSTS only behind an HTTPS public URL.

async function loadProxy(publicUrl: string) {
  vi.stubEnv("RAMPART_PUBLIC_URL", publicUrl);
  vi.resetModules();
  return (await import("@/proxy")).proxy;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

describe("proxy", () => {
  it("gives the sign-in page a CSP whose nonce Next.js and the layout receive, without redirecting", async () => {
    const proxy = await loadProxy("http://127.0.0.1:3000");
    const response = proxy(new NextRequest("http://127.0.0.1:3000/login?callbackUrl=%2Fnodes"));
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy");
    expect(policy).toContain("frame-ancestors 'none'");
    const nonce = nonceOf(policy);
    expect(nonce).toBeTruthy();
    // NextResponse.next({ request: { headers } }) forwards request headers under this prefix.
    expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(nonceOf(response.headers.get("x-middleware-request-content-security-policy"))).toBe(nonce);
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("sends a dashboard page without a session cookie to sign in, with the policy too", async () => {
    const proxy = await loadProxy("http://127.0.0.1:3000");
    const response = proxy(new NextRequest("http://127.0.0.1:3000/nodes?x=1"));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname + location.search).toBe("/login?callbackUrl=%2Fnodes%3Fx%3D1");
    expect(response.headers.get("content-security-policy")).toContain("object-src 'none'");
    const signedIn = proxy(new NextRequest("http://127.0.0.1:3000/nodes", { headers: { cookie: "next-auth.session-token=x" } }));
    expect(signedIn.status).toBe(200);
  });

  it("adds HSTS and upgrade-insecure-requests when the public URL is HTTPS, with a new nonce every time", async () => {
    const proxy = await loadProxy("https://rampart.example.com");
    const first = proxy(new NextRequest("https://rampart.example.com/login"));
    const second = proxy(new NextRequest("https://rampart.example.com/login"));
    expect(first.headers.get("strict-transport-security")).toBe(HSTS_VALUE);
    expect(first.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    expect(nonceOf(first.headers.get("content-security-policy"))).not.toBe(nonceOf(second.headers.get("content-security-policy")));
  });
});
