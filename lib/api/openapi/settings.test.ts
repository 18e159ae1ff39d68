import { describe, expect, it } from "vitest";

import { components, paths } from "./settings";

// The merged document is checked as a whole by index.test.ts; this checks the settings module on its own.

const SHARED_RESPONSES = ["BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "ValidationFailed"];

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, out);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") out.push(child);
      else refsOf(child, out);
    }
  }
  return out;
}

describe("the settings OpenAPI module", () => {
  it("describes every settings route with unique operation ids", () => {
    expect(Object.keys(paths).sort()).toEqual([
      "/api/v1/settings/fail2ban",
      "/api/v1/settings/geoip",
      "/api/v1/settings/geoip/countries",
      "/api/v1/settings/ports",
      "/api/v1/settings/rate-limit",
      "/api/v1/settings/scanners",
      "/api/v1/settings/scanners/{id}",
    ]);
    const ids = Object.values(paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).flatMap((op) => (op.operationId ? [op.operationId] : [])),
    );
    expect(ids.length).toBe(19);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refers only to its own schemas and the shared error responses", () => {
    for (const ref of refsOf(paths)) {
      const [, section, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(ref) ?? [];
      if (section === "schemas") expect(components.schemas, ref).toHaveProperty([name as string]);
      else expect(SHARED_RESPONSES, ref).toContain(name);
    }
  });

  it("carries the text rules zod keeps in refinements", () => {
    const json = JSON.stringify(components);
    expect(JSON.parse(json)).toEqual(components);
    const fail2ban = components.schemas.Fail2banSettings as { properties: { recidive: { properties: { banTimeSeconds: Record<string, unknown> } } } };
    expect(fail2ban.properties.recidive.properties.banTimeSeconds).not.toHaveProperty("minimum");
    expect(fail2ban.properties.recidive.properties.banTimeSeconds.anyOf).toContainEqual({ const: -1, description: "Permanent." });
    // No mail action on nodes: the schema has no `notify`, and a strict object says so to clients.
    expect(components.schemas.Fail2banSettings).not.toHaveProperty(["properties", "notify"]);
    expect(components.schemas.Fail2banSettings).toHaveProperty("additionalProperties", false);
    expect((components.schemas.ScannerSignatureCreate as { properties: { pattern: { pattern: string } } }).properties.pattern.pattern).toBeTruthy();
  });
});
