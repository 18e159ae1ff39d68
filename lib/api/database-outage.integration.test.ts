import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";

// When the database does not answer, a request is told so (503, try again) and is never answered as if the
// caller were signed out (401) or as an internal error (500).

vi.mock("next/cache", () => import("@/test/next-cache-stub"));

describe("the API while the database is down", () => {
  it("answers a token-authenticated request 503 with a retry hint", async () => {
    const { useUnreachableDatabase } = await import("@/test/database");
    useUnreachableDatabase();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { GET } = await import("@/app/api/v1/users/route");
    const request = new NextRequest("http://rampart.test/api/v1/users", {
      headers: { host: "rampart.test", authorization: "Bearer rmp_not-checked-because-the-database-is-down" },
    });
    const response = await GET(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({ error: "The database is not answering right now; nothing was changed. Try again in a moment." });
  });
});
