import { describe, expect, it } from "vitest";
import { API_PREFIX, buildOpenApiDocument, HTTP_METHODS, normalizeApiPath, type OpenApiDocument } from "./index";

// The merged document as served at /api/v1/openapi.json: every area's module is checked here, so a
// colleague's mistake (an operation without responses or security, a duplicate operationId, a dangling
// $ref) fails this test rather than a client's code generator.

type Operation = { method: string; path: string; operation: Record<string, unknown>; pathItem: Record<string, unknown> };

function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, pathItem] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (operation !== undefined) out.push({ method, path, operation: operation as Record<string, unknown>, pathItem });
    }
  }
  return out;
}

/** Every `$ref` anywhere in the value. */
function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, out);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") out.push(child);
      else collectRefs(child, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe("the merged OpenAPI document", () => {
  const doc = buildOpenApiDocument();
  const operations = operationsOf(doc);

  it("is an OpenAPI 3.1 document with info, a server and the bearer scheme", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.components.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("describes the users, tokens, audit and calls routes and itself", () => {
    for (const path of ["/api/v1/users", "/api/v1/users/{id}", "/api/v1/users/{id}/reset-password", "/api/v1/tokens", "/api/v1/tokens/{id}", "/api/v1/audit", "/api/v1/calls", "/api/v1/openapi.json"]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });

  it("has only /api/v1 paths, each with at least one operation", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith(`${API_PREFIX}/`), path).toBe(true);
      expect(HTTP_METHODS.some((m) => m in item), path).toBe(true);
    }
  });

  it("gives every operation responses, each with a description or a $ref", () => {
    for (const { method, path, operation } of operations) {
      const responses = operation.responses as Record<string, Record<string, unknown>> | undefined;
      expect(responses && Object.keys(responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(responses ?? {})) {
        expect(/^[1-5](\d\d|XX)$|^default$/.test(status), `${method} ${path} ${status}`).toBe(true);
        expect(typeof response.description === "string" || typeof response.$ref === "string", `${method} ${path} ${status}`).toBe(true);
      }
    }
  });

  it("requires a security scheme on every operation except the document itself", () => {
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    for (const { method, path, operation } of operations) {
      const security = (operation.security ?? doc.security) as Record<string, string[]>[];
      if (path === "/api/v1/openapi.json") {
        expect(operation.security, "openapi.json is public").toEqual([]);
        continue;
      }
      expect(security.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const requirement of security) {
        expect(Object.keys(requirement).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const name of Object.keys(requirement)) expect(schemes, `${method} ${path}`).toContain(name);
      }
    }
  });

  it("gives every operation a unique operationId", () => {
    const ids = operations.map(({ method, path, operation }) => {
      expect(typeof operation.operationId, `${method} ${path}`).toBe("string");
      return operation.operationId as string;
    });
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
  });

  it("declares every path template parameter as a required path parameter", () => {
    for (const { method, path, operation, pathItem } of operations) {
      const declared = [...((pathItem.parameters as Record<string, unknown>[]) ?? []), ...((operation.parameters as Record<string, unknown>[]) ?? [])]
        .map((p) => (typeof p.$ref === "string" ? (resolvePointer(doc, p.$ref) as Record<string, unknown>) : p))
        .filter((p) => p?.in === "path");
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        const parameter = declared.find((p) => p.name === name);
        expect(parameter, `${method} ${path} {${name}}`).toBeDefined();
        expect(parameter?.required, `${method} ${path} {${name}}`).toBe(true);
      }
    }
  });

  it("resolves every $ref inside the document", () => {
    const unresolved = [...new Set(collectRefs(doc))].filter((ref) => resolvePointer(doc, ref) === undefined);
    expect(unresolved).toEqual([]);
  });
});

describe("buildOpenApiDocument", () => {
  const ok = { responses: { "200": { description: "ok" } } };

  it("prefixes module paths given without /api/v1 and merges methods of one path from several modules", () => {
    const doc = buildOpenApiDocument({
      a: { paths: { "/things": { get: { operationId: "listThings", ...ok } } } },
      b: { paths: { "/api/v1/things": { post: { operationId: "createThing", ...ok } } } },
    });
    expect(Object.keys(doc.paths["/api/v1/things"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(normalizeApiPath("/api/v1")).toBe("/api/v1");
    expect(() => normalizeApiPath("things")).toThrow(/must start with/);
  });

  it("refuses two modules describing the same operation", () => {
    expect(() =>
      buildOpenApiDocument({
        a: { paths: { "/things": { get: { operationId: "a", ...ok } } } },
        b: { paths: { "/api/v1/things": { get: { operationId: "b", ...ok } } } },
      }),
    ).toThrow(/GET \/api\/v1\/things is described twice/);
  });

  it("merges components and refuses one name with two definitions", () => {
    const doc = buildOpenApiDocument({ a: { paths: {}, components: { schemas: { Thing: { type: "object" } } } } });
    expect(doc.components.schemas).toHaveProperty("Thing");
    expect(doc.components.schemas).toHaveProperty("Error");
    expect(() =>
      buildOpenApiDocument({
        a: { paths: {}, components: { schemas: { Thing: { type: "object" } } } },
        b: { paths: {}, components: { schemas: { Thing: { type: "string" } } } },
      }),
    ).toThrow(/components\.schemas\.Thing/);
  });
});
