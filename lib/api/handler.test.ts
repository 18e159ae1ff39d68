import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HSTS_VALUE } from "@/lib/web/security-headers";

// The headers apiRoute puts on every answer, success or failure. A malformed bearer token is refused
// before any database access, so these run without one.

async function loadApiRoute(publicUrl: string) {
  vi.stubEnv("RAMPART_PUBLIC_URL", publicUrl);
  vi.resetModules();
  return (await import("./handler")).apiRoute;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const call = (route: (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>) =>
  route(new NextRequest("http://rampart.test/api/v1/audit", { headers: { authorization: "Bearer not a token" } }), { params: Promise.resolve({}) });

describe("apiRoute headers", () => {
  it("answers no-store, and no HSTS over plain HTTP", async () => {
    const apiRoute = await loadApiRoute("http://rampart.test");
    const response = await call(apiRoute({ permission: "audit:read" }, async () => ({ ok: true })));
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("adds HSTS when the public URL is HTTPS", async () => {
    const apiRoute = await loadApiRoute("https://rampart.example.com");
    const response = await call(apiRoute({ permission: "audit:read" }, async () => ({ ok: true })));
    expect(response.headers.get("strict-transport-security")).toBe(HSTS_VALUE);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
