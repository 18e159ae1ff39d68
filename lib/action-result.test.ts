import { beforeEach, describe, expect, it, vi } from "vitest";

const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));

import { runAction } from "./action-result";

describe("runAction", () => {
  beforeEach(() => {
    request.headers = new Headers({ host: "localhost:3000", origin: "http://localhost:3000" });
  });

  it("runs the body of a same-origin request", async () => {
    expect(await runAction(async () => 42)).toEqual({ ok: true, data: 42 });
  });

  it("refuses a request without this site's Origin before the body runs", async () => {
    for (const origin of [undefined, "null", "http://evil.example", "garbage"]) {
      request.headers = new Headers({ host: "localhost:3000", ...(origin === undefined ? {} : { origin }) });
      const body = vi.fn(async () => 1);
      const result = await runAction(body);
      expect(result.ok, String(origin)).toBe(false);
      expect(!result.ok && result.error).toMatch(/Cross-origin/);
      expect(body).not.toHaveBeenCalled();
    }
  });
});
