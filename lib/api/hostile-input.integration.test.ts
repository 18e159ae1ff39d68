import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildOpenApiDocument, HTTP_METHODS } from "@/lib/api/openapi/index";
import type { SessionUser } from "@/lib/auth/session";

// Every operation of the OpenAPI document (the one served at /api/v1/openapi.json), called through its real
// route handler against the real database, with hostile text in every path, query and body parameter — NUL
// and other C0 controls, unpaired surrogates, overlong strings, "%00", "../", quotes, wrong JSON types — once
// with a bearer token and once with a session cookie. Whatever the input, the answer is never a 5xx.

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
// The cookie mode: next-auth's cookie decoding is not what is under test; the session row and user are real.
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...original, getCurrentUser: async () => (session.user ? original.loadSessionUser(session.user.sessionId) : null) };
});
vi.mock("next/cache", () => import("@/test/next-cache-stub"));

/** Runs per operation and auth mode: enough to hit every kind of hostile value several times, fast enough for CI. */
const RUNS = 6;
const HOST = "rampart.test";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;
type RouteHandler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema?: Schema }[];
  bodyTypes: string[];
  bodySchema: Schema | null;
}

const doc = buildOpenApiDocument();

function resolve(schema: unknown): Schema {
  let node = schema as Schema;
  for (let depth = 0; typeof node?.$ref === "string" && depth < 10; depth++) {
    const name = (node.$ref as string).replace("#/components/schemas/", "");
    node = (doc.components.schemas as Record<string, Schema>)[name] ?? {};
  }
  return node ?? {};
}

function operationsOf(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, unknown>][]) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const parameters = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) => resolve(p)) as Operation["parameters"];
      const content = ((op.requestBody as Schema | undefined)?.content ?? {}) as Record<string, { schema?: unknown }>;
      const json = content["application/json"];
      out.push({ method: method.toUpperCase(), path, parameters, bodyTypes: Object.keys(content), bodySchema: json ? resolve(json.schema) : null });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------------

const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "\u0000", "a\u0000b", "%00", "a%00b", "\ud800", "x\udfff", "\udc00\ud800", "\u001b[31m", "\r\n", "\t", "\u007f",
      "../../../etc/passwd", "..%2f..%2f", "'", '"', "`", "';--", '"; DROP TABLE users; --', "\\", "<script>", "${x}",
      "", " ", "null", "-1", "1e309", "NaN", "0x10", "192.0.2.1\u0000", "10.0.0.0/8\ud800", "00000000-0000-0000-0000-000000000000\u0000",
    ),
  },
  // Ordinary text with one control character or unpaired surrogate inside.
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\ud800", "\udbff", "\udc00", "\udfff"), fc.string({ maxLength: 6 }))
      .map((parts) => parts.join("")),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 4 }).map((s) => s.repeat(5_000)) },
  { weight: 1, arbitrary: fc.constant("\u0000".repeat(70_000)) },
);

const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** A value the field's schema could accept, so that the hostile value in another field is what gets judged. */
function plausible(schema: Schema, ids: string[]): fc.Arbitrary<Json> {
  const s = resolve(schema);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as Json[]));
  if (s.example !== undefined) return fc.constant(s.example as Json);
  const variants = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (variants?.length) return fc.oneof(...variants.map((v) => plausible(v, ids)));
  switch (s.type) {
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number":
      return fc.integer({ min: typeof s.minimum === "number" ? s.minimum : 0, max: typeof s.maximum === "number" ? s.maximum : 1000 });
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(plausible((s.items as Schema) ?? {}, ids), { maxLength: 2 });
    case "object":
      return bodyOf(s, ids);
    case "string":
      return s.format === "uuid" ? fc.constantFrom(...ids) : s.format === "date-time" ? fc.constant("2031-01-01T00:00:00Z") : fc.constant("ok");
    default:
      return fc.constant("ok");
  }
}

/** An object with the schema's properties: each hostile, of the wrong type, plausible or left out. */
function bodyOf(schema: Schema, ids: string[]): fc.Arbitrary<Json> {
  const properties = (resolve(schema).properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(properties);
  if (names.length === 0) return fc.dictionary(hostileString, fc.oneof(hostileString, wrongType), { maxKeys: 3 });
  const field = (name: string) => fc.option(fc.oneof({ arbitrary: hostileString, weight: 3 }, { arbitrary: wrongType, weight: 1 }, { arbitrary: plausible(properties[name]!, ids), weight: 2 }), { nil: undefined, freq: 4 });
  return fc.record(Object.fromEntries(names.map((name) => [name, field(name)]))).map((record) => JSON.parse(JSON.stringify(record)) as Json);
}

function bodyFor(op: Operation, ids: string[]): fc.Arbitrary<{ type: string; text: string } | null> {
  if (op.bodyTypes.length === 0) return fc.constant(null);
  const json = fc
    .oneof({ arbitrary: op.bodySchema ? bodyOf(op.bodySchema, ids) : wrongType, weight: 4 }, { arbitrary: wrongType, weight: 1 })
    .map((value) => ({ type: "application/json", text: JSON.stringify(value) }));
  const raw = fc.oneof(hostileString, fc.constantFrom("{", "[1,", '{"a":"\\u0000"}', '{"text":"\\ud800"}', '{"__proto__":{"x":1}}')).map((text) => ({
    type: op.bodyTypes.includes("text/plain") ? "text/plain" : "application/json",
    text,
  }));
  return fc.oneof({ arbitrary: json, weight: 3 }, { arbitrary: raw, weight: 1 });
}

type Mode = "bearer" | "cookie";
interface RequestInput {
  mode: Mode;
  params: Record<string, string>;
  query: [string, string][];
  body: { type: string; text: string } | null;
}

const modeArbitrary = fc.constantFrom<Mode>("bearer", "cookie");
const hostileValue: fc.Arbitrary<Json> = fc.oneof({ arbitrary: hostileString, weight: 4 }, { arbitrary: wrongType, weight: 1 });
const asQueryText = (value: Json): string => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * One hostile value in one parameter (path, query, a body property, or the raw body of a text import), every
 * other parameter plausible or absent: so the hostile value is what the route has to judge, not a neighbour.
 */
type Slot = { kind: "path" | "query" | "body" | "raw"; name: string };

function slotsOf(op: Operation): Slot[] {
  const properties = (op.bodySchema ? (resolve(op.bodySchema).properties ?? {}) : {}) as Record<string, Schema>;
  return [
    ...op.parameters.filter((p) => p.in === "path").map((p) => ({ kind: "path" as const, name: p.name })),
    ...op.parameters.filter((p) => p.in === "query").map((p) => ({ kind: "query" as const, name: p.name })),
    ...Object.keys(properties).map((name) => ({ kind: "body" as const, name })),
    ...(op.bodyTypes.includes("text/plain") ? [{ kind: "raw" as const, name: "" }] : []),
    // An unknown query parameter: refused or ignored, never a 500.
    { kind: "query", name: "unexpected" },
  ];
}

interface Composition {
  target: Slot;
  value: Json;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Record<string, Json | undefined>;
  mode: Mode;
}

/** The request of one hostile value in the target slot, the other slots as given. */
function composeInput(op: Operation, { target, value, params, query, body, mode }: Composition): RequestInput {
  const nextParams: Record<string, string> = { ...params };
  const nextQuery: Record<string, string | undefined> = { ...query };
  const nextBody: Record<string, Json | undefined> = { ...body };
  let raw: string | null = null;
  if (target.kind === "path") nextParams[target.name] = asQueryText(value);
  else if (target.kind === "query") nextQuery[target.name] = asQueryText(value);
  else if (target.kind === "body") nextBody[target.name] = value;
  else raw = asQueryText(value);
  const queryEntries = Object.entries(nextQuery).filter((entry): entry is [string, string] => entry[1] !== undefined);
  let requestBody: RequestInput["body"] = null;
  if (raw !== null) requestBody = { type: "text/plain", text: raw };
  else if (op.bodyTypes.length > 0) requestBody = { type: "application/json", text: JSON.stringify(nextBody) };
  return { mode, params: nextParams, query: queryEntries, body: requestBody };
}

/**
 * One hostile value in one parameter (path, query, a body property, or the raw body of a text import), every
 * other parameter plausible or absent: so the hostile value is what the route has to judge, not a neighbour.
 */
function targetedInput(op: Operation, ids: string[]): fc.Arbitrary<RequestInput> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const properties = (op.bodySchema ? (resolve(op.bodySchema).properties ?? {}) : {}) as Record<string, Schema>;
  return fc
    .record({
      target: fc.constantFrom(...slotsOf(op)),
      value: hostileValue,
      params: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.constantFrom(...ids)]))),
      // A page cursor cannot be made up (an invalid one is a 422 that would hide the hostile value): only as the target.
      query: fc.record(
        Object.fromEntries(
          queryParams.map((p) => [p.name, p.name === "cursor" ? fc.constant(undefined) : fc.option(plausible(p.schema ?? {}, ids).map(asQueryText), { nil: undefined, freq: 2 })]),
        ),
      ),
      body: fc.record(Object.fromEntries(Object.keys(properties).map((name) => [name, fc.option(plausible(properties[name]!, ids), { nil: undefined, freq: 3 })]))),
      mode: modeArbitrary,
    })
    .map((composition) => composeInput(op, composition));
}

/** One value the field's schema accepts, chosen without randomness (null where allowed, the first enum value). */
function defaultValue(schema: Schema, ids: string[]): Json | undefined {
  const s = resolve(schema);
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as Json;
  if (s.example !== undefined) return s.example as Json;
  if (s.default !== undefined) return s.default as Json;
  const variants = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (variants?.length) return variants.some((v) => resolve(v).type === "null") ? null : defaultValue(variants[0]!, ids);
  switch (s.type) {
    case "boolean":
      return false;
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1;
    case "array":
      return [];
    case "object":
      return Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([name, inner]) => [name, defaultValue(inner, ids) ?? null]),
      ) as Json;
    case "string":
      return s.format === "uuid" ? ids[0] : s.format === "date-time" ? "2031-01-01T00:00:00Z" : "ok";
    default:
      return undefined;
  }
}

/**
 * The fixed sweep: a NUL (with the token) and an unpaired surrogate (with the cookie) in every slot, the other
 * body properties at a plausible value, other query parameters absent.
 */
function sweepInputs(op: Operation, ids: string[]): RequestInput[] {
  const params = Object.fromEntries(op.parameters.filter((p) => p.in === "path").map((p) => [p.name, ids[0]!]));
  const properties = (op.bodySchema ? (resolve(op.bodySchema).properties ?? {}) : {}) as Record<string, Schema>;
  const body = Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, defaultValue(schema, ids)]));
  return slotsOf(op).flatMap((target) =>
    (
      [
        ["a\u0000b", "bearer"],
        ["x\ud800", "cookie"],
      ] as const
    ).map(([value, mode]) => composeInput(op, { target, value, params, query: {}, body, mode })),
  );
}

/** Hostile or real values everywhere at once, unknown and repeated query parameters, malformed bodies. */
function randomInput(op: Operation, ids: string[]): fc.Arbitrary<RequestInput> {
  const pathNames = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
  const queryNames = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
  return fc.record({
    params: fc.record(Object.fromEntries(pathNames.map((name) => [name, fc.oneof({ arbitrary: hostileString, weight: 3 }, { arbitrary: fc.constantFrom(...ids), weight: 1 })]))),
    query: fc.array(fc.tuple(queryNames.length > 0 ? fc.oneof(fc.constantFrom(...queryNames), hostileString) : hostileString, hostileString), { maxLength: 4 }),
    body: bodyFor(op, ids),
    mode: modeArbitrary,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures and requests
// ---------------------------------------------------------------------------------------------------------

interface Fixtures {
  token: string;
  admin: SessionUser;
  /** Real ids of other rows (never the caller's own user or token), so a path id can also reach the handler's body check. */
  ids: string[];
}

let fixtures: Fixtures;

async function setUpFixtures(): Promise<Fixtures> {
  const { getDb } = await import("@/lib/db/client");
  const { SYSTEM_ACTOR } = await import("@/lib/db/queries/audit");
  const { createApiToken } = await import("@/lib/db/queries/tokens");
  const db = getDb();
  const suffix = randomUUID().slice(0, 8);
  const user = await db.user.create({ data: { email: `hostile-admin-${suffix}@hostile.test`, passwordHash: "x", role: "ADMIN" } });
  const sessionRow = await db.authSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), ip: "203.0.113.9" } });
  const admin: SessionUser = { id: user.id, email: user.email, name: "", role: "ADMIN", tenantId: null, sessionId: sessionRow.id };
  const { token } = await createApiToken({ role: "ADMIN", tenantId: null, actor: { type: "USER", id: user.id, label: user.email, ip: "203.0.113.9" } }, { name: `hostile-${suffix}`, role: "ADMIN" });
  const tenant = await db.tenant.create({ data: { name: `Hostile ${suffix}` } });
  const victim = await db.user.create({ data: { email: `hostile-victim-${suffix}@hostile.test`, passwordHash: "x", role: "VIEWER" } });
  const victimToken = await createApiToken(SYSTEM_ACTOR, { name: `victim-${suffix}`, role: "VIEWER" });
  return { token, admin, ids: [tenant.id, victim.id, victimToken.id] };
}

function routeFile(path: string): string {
  return join(process.cwd(), "app", ...path.split("/").filter(Boolean).map((part) => part.replace(/^\{(.+)\}$/, "[$1]")), "route.ts");
}

async function send(op: Operation, mode: Mode, input: Omit<RequestInput, "mode">): Promise<Response> {
  const routeModule = (await import(/* @vite-ignore */ routeFile(op.path))) as Record<string, RouteHandler>;
  const handler = routeModule[op.method];
  if (!handler) throw new Error(`${op.method} ${op.path}: the route file has no handler`);
  const url = new URL(`http://${HOST}${op.path.replace(/\{(.+?)\}/g, "x")}`);
  for (const [name, value] of input.query) url.searchParams.append(name, value);
  const headers = new Headers({ host: HOST, "x-rampart-client-ip": "203.0.113.9" });
  if (mode === "bearer") headers.set("authorization", `Bearer ${fixtures.token}`);
  else headers.set("origin", `http://${HOST}`);
  if (input.body) headers.set("content-type", input.body.type);
  session.user = mode === "cookie" ? fixtures.admin : null;
  const request = new NextRequest(url, { method: op.method, headers, body: input.body?.text });
  return handler(request, { params: Promise.resolve(input.params) });
}

const operations = operationsOf();

let ownDatabase: { url: string; drop(): Promise<void> } | undefined;

describe("every API operation answers hostile input without a 5xx", () => {
  beforeAll(async () => {
    // A database of its own: valid-looking writes among the hostile ones replace whole lists and settings
    // (scanner signatures, ports), which the other suites sharing the run's database rely on.
    const { useOwnTestDatabase } = await import("@/test/database");
    ownDatabase = await useOwnTestDatabase("rampart_hostile");
    const { getDatabaseUrl } = await import("@/lib/env");
    expect(getDatabaseUrl(), "no module read the environment before this suite chose its database").toBe(ownDatabase.url);
    fixtures = await setUpFixtures();
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await ownDatabase?.drop();
  });

  it("covers every /api/v1 route file, so a route left out of the document is not left out of this test", () => {
    const described = new Set(operations.map((op) => routeFile(op.path)));
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name === "route.ts" ? [join(dir, entry.name)] : []));
    const missing = walk(join(process.cwd(), "app", "api", "v1")).filter((file) => !described.has(file));
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(80);
  });

  for (const op of operations) {
    it(`${op.method} ${op.path}`, async () => {
      const input = fc.oneof({ arbitrary: targetedInput(op, fixtures.ids), weight: 3 }, { arbitrary: randomInput(op, fixtures.ids), weight: 1 });
      const statuses = new Set<number>();
      for (const { mode, ...request } of sweepInputs(op, fixtures.ids)) {
        const response = await send(op, mode, request);
        statuses.add(response.status);
        expect(response.status, `${op.method} ${op.path} (${mode}) ${JSON.stringify(request).slice(0, 200)}: ${await response.clone().text()}`).toBeLessThan(500);
        await response.body?.cancel();
      }
      await fc.assert(
        fc.asyncProperty(input, async ({ mode, ...request }) => {
          const response = await send(op, mode, request);
          statuses.add(response.status);
          if (response.status >= 500) {
            throw new Error(`${op.method} ${op.path} (${mode}) answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
          }
          await response.body?.cancel();
        }),
        { numRuns: RUNS * 2 },
      );
      // The requests got past authentication: a test that only ever met 401s would prove nothing.
      expect([...statuses].some((status) => status !== 401 && status !== 403), [...statuses].join(",")).toBe(true);
    });
  }
});
