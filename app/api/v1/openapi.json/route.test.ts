import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET } from "./route";

describe("GET /api/v1/openapi.json", () => {
  it("answers the document without authentication, cacheable, with an ETag", async () => {
    const response = GET(new NextRequest("http://rampart.test/api/v1/openapi.json"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    const doc = await response.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.paths["/api/v1/users"]).toBeDefined();

    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    const revalidated = GET(new NextRequest("http://rampart.test/api/v1/openapi.json", { headers: { "if-none-match": `W/${etag}` } }));
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    const changed = GET(new NextRequest("http://rampart.test/api/v1/openapi.json", { headers: { "if-none-match": '"something-else"' } }));
    expect(changed.status).toBe(200);
  });
});
