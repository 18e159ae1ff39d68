import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser, sql } from "./db";
import { signInAndWait } from "./helpers";

// A server action is a write that rides on the session cookie: replayed from another site, without an Origin
// or with `Origin: null`, it is answered 403 and does nothing; replayed with this site's Origin it works
// (the positive control that proves the replay itself is sound).

const uniqueName = () => `Origin ${randomUUID().slice(0, 8)}`;

async function tenantCount(name: string): Promise<number> {
  const [row] = await sql<{ count: number }>("SELECT count(*)::int AS count FROM tenants WHERE name = $1", [name]);
  return row?.count ?? 0;
}

test("a replayed server action needs this site's Origin", async ({ page, baseURL }) => {
  const admin = await createUser("ADMIN");
  await signInAndWait(page, admin.email);
  await page.goto("/tenants");
  await page.getByRole("button", { name: "New tenant" }).click();
  const first = uniqueName();
  await page.getByLabel("Name").fill(first);
  const actionRequest = page.waitForRequest((request) => request.method() === "POST" && request.headers()["next-action"] !== undefined);
  await page.getByRole("button", { name: "Create tenant" }).click();
  const captured = await actionRequest;
  await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();

  const headers = captured.headers();
  const body = captured.postDataBuffer()?.toString("latin1") ?? "";
  expect(body).toContain(first);
  const replay = async (origin: string | undefined, name: string) => {
    const replayHeaders: Record<string, string> = { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" };
    if (origin !== undefined) replayHeaders.origin = origin;
    const response = await page.request.post(captured.url(), { headers: replayHeaders, data: Buffer.from(body.replaceAll(first, name), "latin1") });
    return response.status();
  };

  for (const origin of ["http://evil.example", "null", undefined]) {
    const name = uniqueName();
    expect(await replay(origin, name), String(origin)).toBe(403);
    expect(await tenantCount(name), String(origin)).toBe(0);
  }

  const allowed = uniqueName();
  expect(await replay(new URL(baseURL!).origin, allowed)).toBeLessThan(400);
  expect(await tenantCount(allowed)).toBe(1);
});
