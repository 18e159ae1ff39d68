import * as audit from "./audit";
import * as autoWhitelist from "./auto-whitelist";
import * as calls from "./calls";
import * as exposure from "./exposure";
import * as lists from "./lists";
import * as nodes from "./nodes";
import * as observe from "./observe";
import * as rates from "./rates";
import * as rulesets from "./rulesets";
import * as settings from "./settings";
import * as spend from "./spend";
import * as tenants from "./tenants";
import * as users from "./users";

// Builds the OpenAPI 3.1 document served at /api/v1/openapi.json from every area's module. Each module
// exports `paths` (path items; keys with or without the /api/v1 prefix) and may export `components`
// (schemas, responses, parameters… merged by name). Shared here for every module to $ref:
// #/components/schemas/Error and #/components/responses/{BadRequest, Unauthorized, Forbidden, NotFound,
// Conflict, ValidationFailed}. Bearer authentication applies to every operation unless it says otherwise.

export interface OpenApiModule {
  paths: Record<string, unknown>;
  components?: Record<string, unknown>;
}

export type OpenApiDocument = {
  openapi: string;
  info: Record<string, unknown>;
  servers: Record<string, unknown>[];
  security: Record<string, string[]>[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
};

/** Every area's description. A new area is added here, explicitly. */
export const openApiModules: Record<string, OpenApiModule> = { lists, autoWhitelist, settings, exposure, tenants, rates, users, audit, nodes, rulesets, observe, calls, spend };

export const API_PREFIX = "/api/v1";
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const baseComponents = {
  securitySchemes: {
    bearerAuth: {
      type: "http",
      scheme: "bearer",
      description:
        "An API token from Users → API tokens in the dashboard, or `rampart token create`. Send `Authorization: Bearer rmp_…`. " +
        "A token acts with its own role; a TENANT_ADMIN token is limited to its tenant.",
    },
  },
  schemas: {
    Error: {
      type: "object",
      required: ["error"],
      properties: {
        error: { type: "string", description: "What went wrong, in a sentence meant for people." },
        fieldErrors: {
          type: "object",
          description: "Messages per input field (dotted path), when the input was at fault.",
          additionalProperties: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
  responses: {
    BadRequest: errorResponse("The body is not valid JSON, or is too large."),
    Unauthorized: errorResponse("The API token is missing, invalid, expired or revoked."),
    Forbidden: errorResponse("The token's role does not allow this."),
    NotFound: errorResponse("No such object (objects of other tenants answer the same)."),
    Conflict: errorResponse("The change conflicts with the current state; the message says how."),
    ValidationFailed: errorResponse("The input is not valid; `fieldErrors` names the fields."),
  },
} satisfies Record<string, Record<string, unknown>>;

const selfPath = {
  get: {
    operationId: "getOpenApiDocument",
    tags: ["Meta"],
    summary: "This document",
    description: "Readable without a token: it describes the API and holds no data.",
    security: [],
    responses: {
      "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } },
      "304": { description: "Not modified (If-None-Match)." },
    },
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The full path of a module's key: `/tenants` and `/api/v1/tenants` both mean `/api/v1/tenants`. */
export function normalizeApiPath(key: string): string {
  if (!key.startsWith("/")) throw new Error(`OpenAPI: path "${key}" must start with "/".`);
  return key === API_PREFIX || key.startsWith(`${API_PREFIX}/`) ? key : `${API_PREFIX}${key}`;
}

/** Merges one path item into another: methods must not collide; parameters are combined. */
function mergePathItem(target: Record<string, unknown>, source: Record<string, unknown>, path: string, from: string): void {
  for (const [key, value] of Object.entries(source)) {
    if (!(key in target)) {
      target[key] = value;
    } else if (key === "parameters" && Array.isArray(value) && Array.isArray(target[key])) {
      const existing = target[key] as Record<string, unknown>[];
      const seen = new Set(existing.map((p) => `${String(p.in)}:${String(p.name)}`));
      target[key] = [...existing, ...(value as Record<string, unknown>[]).filter((p) => !seen.has(`${String(p.in)}:${String(p.name)}`))];
    } else if ((HTTP_METHODS as readonly string[]).includes(key)) {
      throw new Error(`OpenAPI: ${key.toUpperCase()} ${path} is described twice (again in "${from}").`);
    }
    // summary/description of a shared path item: the first module's wins.
  }
}

/** The merged document. Throws on a collision (two modules describing one operation or one component name differently). */
export function buildOpenApiDocument(modules: Record<string, OpenApiModule> = openApiModules): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = { [`${API_PREFIX}/openapi.json`]: { ...selfPath } };
  const components: Record<string, Record<string, unknown>> = structuredClone(baseComponents);
  const tags = new Set<string>(["Meta"]);

  for (const [name, module] of Object.entries(modules)) {
    for (const [key, item] of Object.entries(module.paths)) {
      if (!isRecord(item)) throw new Error(`OpenAPI: path "${key}" of "${name}" is not an object.`);
      const path = normalizeApiPath(key);
      const target = (paths[path] ??= {});
      mergePathItem(target, item, path, name);
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (isRecord(operation) && Array.isArray(operation.tags)) for (const tag of operation.tags) tags.add(String(tag));
      }
    }
    for (const [section, entries] of Object.entries(module.components ?? {})) {
      if (!isRecord(entries)) throw new Error(`OpenAPI: components.${section} of "${name}" is not an object.`);
      const target = (components[section] ??= {});
      for (const [entryName, entry] of Object.entries(entries)) {
        if (entryName in target && JSON.stringify(target[entryName]) !== JSON.stringify(entry)) {
          throw new Error(`OpenAPI: components.${section}.${entryName} is defined differently by "${name}" and another module.`);
        }
        target[entryName] = entry;
      }
    }
  }

  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.1.0",
    info: {
      title: "Rampart API",
      version: "1.0.0",
      description:
        "Automation interface of Rampart, the security policy panel for Asterisk PBX clusters. The same validation and the " +
        "same role and tenant rules as the dashboard apply. Errors are JSON `{ error, fieldErrors? }`; lists are paginated " +
        "with `limit` and an opaque `cursor` and answer `{ items, nextCursor }`.",
    },
    servers: [{ url: "/", description: "This Rampart server" }],
    security: [{ bearerAuth: [] }],
    tags: [...tags].map((tag) => ({ name: tag })),
    paths: sortedPaths,
    components,
  };
}
