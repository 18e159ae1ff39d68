import { z } from "zod";
import {
  ABUSE_RANGES,
  abuseDetectionSchema,
  EXTENSION_MAX_LENGTH,
  extensionLimitCreateSchema,
  extensionLimitUpdateSchema,
  MONEY_PATTERN,
  ROUTE_PREFIX_PATTERN,
  routeCostLimitCreateSchema,
  routeCostLimitUpdateSchema,
  tenantCallLimitSchema,
} from "@/lib/validation/call-limits";
import {
  ACCOUNT_CODE_HINT,
  CALL_GUARD_ENFORCEMENT_TEXT,
  CALL_GUARD_OFF_TEXT,
  CALL_GUARD_OFFLINE_MODES,
  CALL_GUARD_RANGES,
  callGuardSettingsSchema,
  GUARD_WORD_PATTERN,
  OFFLINE_MODE_TEXT,
} from "@/lib/validation/call-guard";
import { TENANT_MIN_PREFIX_LIMITS, tenantNetworkSettingsSchema } from "@/lib/validation/settings";
import { PAGE_LIMITS, TENANT_DESCRIPTION_MAX_LENGTH, tenantCreateSchema, tenantUpdateSchema } from "@/lib/validation/tenant";
import { dateTime, errorResponses, json, nullable, ref, response, uuid, type JsonSchema } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/tenants and /api/v1/call-limits (merged into /api/v1/openapi.json by
// ./index.ts). /api/v1/tenants/{id}/restrictions belongs to the lists module. Request bodies come from the zod
// schemas the routes parse with, with the text rules (which zod keeps in refinements) added as patterns.

/** The JSON Schema of what a client sends, without `$schema`, with extra keywords merged into named properties. */
function requestSchema(schema: z.ZodType, extra: Record<string, JsonSchema> = {}, optional: readonly string[] = []): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
  const properties = { ...(rest.properties as Record<string, JsonSchema>) };
  for (const [name, keywords] of Object.entries(extra)) {
    // A keyword given as undefined removes the generated one (a nullable amount replaces `type` with `anyOf`).
    if (properties[name]) properties[name] = Object.fromEntries(Object.entries({ ...properties[name], ...keywords }).filter(([, v]) => v !== undefined));
  }
  const required = Array.isArray(rest.required) ? (rest.required as string[]).filter((name) => !optional.includes(name)) : undefined;
  return { ...rest, properties, ...(required ? { required } : {}) };
}

const money = {
  type: "string",
  pattern: MONEY_PATTERN.source,
  description: 'A decimal amount as a string ("12.50"): up to 10 digits, a point, up to 4 decimals. JSON numbers are refused.',
  examples: ["25", "12.50"],
};
const currency = {
  type: "string",
  pattern: "^[A-Za-z]{3}$",
  description: "ISO 4217 code (EUR, USD, GBP…); stored and answered in upper case.",
  examples: ["EUR"],
};
const extension = {
  type: "string",
  minLength: 1,
  maxLength: EXTENSION_MAX_LENGTH,
  pattern: "^[A-Za-z0-9*#+][A-Za-z0-9*#+._-]*$",
  description: "The extension as Asterisk dials it: digits, letters and * # + . - _ (not a _ dial pattern).",
  examples: ["101"],
};
const prefix = { type: "string", pattern: ROUTE_PREFIX_PATTERN.source, description: "Dialled-number prefix: 1 to 15 digits, optionally after +.", examples: ["00881"] };
const tenantName = { minLength: 1, maxLength: 200, description: "Unique; surrounding spaces are removed." };
const accountCode = {
  type: "string",
  pattern: GUARD_WORD_PATTERN.source,
  description: `The Asterisk accountcode of the tenant's endpoints, unique among tenants (409 when another tenant has it): how the call guard and the call records know a call's tenant. ${ACCOUNT_CODE_HINT}`,
  examples: ["acme"],
};

const offlineModes = CALL_GUARD_OFFLINE_MODES.map((mode) => `${mode}: ${OFFLINE_MODE_TEXT[mode]}.`).join(" ");
const callGuardProperties = {
  enabled: { type: "boolean", description: `true: the nodes enforce every call limit. false: ${CALL_GUARD_OFF_TEXT}` },
  offlineMode: {
    type: "string",
    enum: [...CALL_GUARD_OFFLINE_MODES],
    description: `What a node does while the panel is unreachable (its cluster spend older than staleAfterSeconds). ${offlineModes}`,
  },
  maxCallSeconds: {
    type: "integer",
    minimum: CALL_GUARD_RANGES.maxCallSeconds.min,
    maximum: CALL_GUARD_RANGES.maxCallSeconds.max,
    description: "Longest call the guard allows when no budget limits it, in seconds (default 14400).",
  },
  staleAfterSeconds: {
    type: "integer",
    minimum: CALL_GUARD_RANGES.staleAfterSeconds.min,
    maximum: CALL_GUARD_RANGES.staleAfterSeconds.max,
    description: "A node counts the panel as unreachable when the cluster spend it last received is older than this, in seconds (default 300).",
  },
};

const listParameters = [
  { name: "limit", in: "query", required: false, description: "Items per page.", schema: { type: "integer", minimum: 1, maximum: PAGE_LIMITS.max, default: PAGE_LIMITS.default } },
  { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged.", schema: { type: "string" } },
];
const entryIdParameter = { name: "entryId", in: "path", required: true, description: "The network's entry id.", schema: uuid };

/** What a tenant's networks do today, and what they do not do yet (said plainly, never claimed). */
const TENANT_NETWORKS_WORDS =
  "A tenant's networks are its allowed networks: they reach SIP and RTP when the exposure policy opens SIP to allowed networks only, get SIP-scoped trust when the tenant's autoWhitelistRestrictions is on, and give the tenant's administrators sight of the bans inside them. Refusing registrations of the tenant's extensions from anywhere else is not enforced yet. A tenant administrator's network wider than the minimum prefix is refused; one that overlaps another tenant's network in force (contains it, lies inside it or equals it) or is over-broad is stored with pendingReason set and has no effect until an administrator approves it.";

const idParameter = (what: string) => ({ name: "id", in: "path", required: true, description: `The ${what}'s id.`, schema: uuid });
const pageOf = (schema: string) => ({
  type: "object",
  required: ["items", "nextCursor"],
  properties: { items: { type: "array", items: ref(schema) }, nextCursor: nullable({ type: "string" }) },
});

const readErrors = { "401": response("Unauthorized"), "403": response("Forbidden"), "404": response("NotFound") };
const writeErrors = {
  ...errorResponses(400, 401, 403, 404, 409, 422),
};
const listErrors = { "401": response("Unauthorized"), "403": response("Forbidden"), "422": response("ValidationFailed") };

export const components = {
  schemas: {
    Tenant: {
      type: "object",
      required: ["id", "name", "description", "autoWhitelistRestrictions", "accountCode", "createdAt", "updatedAt", "restrictionCount", "pendingCount", "userCount"],
      properties: {
        id: uuid,
        name: { type: "string" },
        description: { type: "string" },
        autoWhitelistRestrictions: {
          type: "boolean",
          description:
            "The tenant's networks get SIP-scoped trust (SIP and RTP only, exempt from the SIP rate limits and the VoIP jail), never the cluster whitelist.",
        },
        accountCode: nullable({ ...accountCode, description: `${accountCode.description} null: none, and the call guard enforces none of the tenant's call limits.` }),
        createdAt: dateTime,
        updatedAt: dateTime,
        restrictionCount: { type: "integer", minimum: 0, description: "The tenant's networks, pending ones included." },
        pendingCount: { type: "integer", minimum: 0, description: "Networks a tenant administrator stored that wait for an administrator's approval." },
        userCount: { type: "integer", minimum: 0 },
      },
    },
    TenantDetail: {
      allOf: [
        ref("Tenant"),
        {
          type: "object",
          required: ["extensionLimitCount", "hasTenantCallLimit", "apiTokenCount"],
          properties: {
            extensionLimitCount: { type: "integer", minimum: 0 },
            hasTenantCallLimit: { type: "boolean" },
            apiTokenCount: { type: "integer", minimum: 0 },
          },
        },
      ],
    },
    TenantCallLimit: {
      type: "object",
      required: ["tenantId", "dailyLimit", "monthlyLimit", "currency", "updatedAt"],
      properties: {
        tenantId: uuid,
        dailyLimit: nullable({ ...money, description: "null: no daily limit." }),
        monthlyLimit: nullable({ ...money, description: "null: no monthly limit." }),
        currency: nullable({ type: "string", description: "null when the tenant has no call limits." }),
        updatedAt: nullable(dateTime),
      },
    },
    TenantLimitOverview: {
      type: "object",
      required: ["tenantId", "tenantName", "limit", "extensionLimitCount"],
      properties: { tenantId: uuid, tenantName: { type: "string" }, limit: nullable(ref("TenantCallLimit")), extensionLimitCount: { type: "integer", minimum: 0 } },
    },
    ExtensionCallLimit: {
      type: "object",
      required: ["id", "tenantId", "extension", "dailyLimit", "currency", "createdAt", "updatedAt"],
      properties: { id: uuid, tenantId: uuid, extension: { type: "string" }, dailyLimit: money, currency: { type: "string" }, createdAt: dateTime, updatedAt: dateTime },
    },
    RouteCostLimit: {
      type: "object",
      required: ["id", "name", "prefix", "maxCostPerMinute", "currency", "createdAt", "updatedAt"],
      properties: { id: uuid, name: { type: "string" }, prefix, maxCostPerMinute: money, currency: { type: "string" }, createdAt: dateTime, updatedAt: dateTime },
    },
    TenantNetworkSettings: {
      type: "object",
      required: ["minPrefix4", "minPrefix6"],
      properties: {
        minPrefix4: {
          type: "integer",
          minimum: TENANT_MIN_PREFIX_LIMITS.minPrefix4.min,
          maximum: TENANT_MIN_PREFIX_LIMITS.minPrefix4.max,
          default: TENANT_MIN_PREFIX_LIMITS.minPrefix4.default,
          description: "Shortest IPv4 prefix a tenant administrator may store (24: a /24 or narrower).",
        },
        minPrefix6: {
          type: "integer",
          minimum: TENANT_MIN_PREFIX_LIMITS.minPrefix6.min,
          maximum: TENANT_MIN_PREFIX_LIMITS.minPrefix6.max,
          default: TENANT_MIN_PREFIX_LIMITS.minPrefix6.default,
          description: "Shortest IPv6 prefix a tenant administrator may store.",
        },
      },
    },
    PendingTenantNetwork: {
      type: "object",
      required: ["id", "tenantId", "tenantName", "network", "comment", "pendingReason", "author", "createdAt"],
      properties: {
        id: uuid,
        tenantId: uuid,
        tenantName: { type: "string" },
        network: { type: "string" },
        comment: { type: "string" },
        pendingReason: {
          type: "string",
          description: "Why it waits. A TENANT_ADMIN token reads an overlap without the other tenant's name and network.",
          examples: ["overlaps ACME's 198.51.100.0/24", "is over-broad (1/65,536 of all IPv6 addresses)"],
        },
        author: { type: "string" },
        createdAt: dateTime,
      },
    },
    TenantNetworkDecision: {
      type: "object",
      required: ["id", "network"],
      properties: { id: uuid, network: { type: "string" } },
    },
    CallGuardStatus: {
      type: "object",
      required: ["enabled", "offlineMode", "maxCallSeconds", "staleAfterSeconds", "updatedAt", "unenforced"],
      properties: {
        ...callGuardProperties,
        updatedAt: nullable(dateTime),
        unenforced: {
          type: "array",
          items: { type: "string" },
          description: "One sentence per stored limit the guard cannot enforce, enabled or not (a tenant without an account code, an extension that is no PJSIP endpoint name, a route whose prefix another route has).",
          examples: [["Tenant ACME: its limits are not enforced, it has no account code."]],
        },
      },
    },
    AbuseDetection: {
      type: "object",
      required: ["enabled", "maxCallsSameNumber", "windowSeconds", "updatedAt"],
      properties: {
        enabled: { type: "boolean" },
        maxCallsSameNumber: { type: "integer", description: "Calls to one international number that are still allowed within the window." },
        windowSeconds: { type: "integer", description: "Seconds." },
        updatedAt: nullable(dateTime),
      },
    },
  },
};

const tenantBody = {
  name: tenantName,
  description: { maxLength: TENANT_DESCRIPTION_MAX_LENGTH },
  accountCode: { anyOf: [accountCode, { type: "null" }], description: `${accountCode.description} null or "" clears it.` },
};
const extensionBody = { extension, dailyLimit: money, currency };
const routeBody = { name: { minLength: 1, maxLength: 100 }, prefix, maxCostPerMinute: money, currency };

export const paths: Record<string, unknown> = {
  "/api/v1/tenants": {
    get: {
      operationId: "listTenants",
      tags: ["Tenants"],
      summary: "List tenants",
      description: "Tenants in name order, one page at a time. A TENANT_ADMIN token sees its own tenant only.",
      parameters: listParameters,
      responses: { "200": { description: "One page of tenants.", content: json(pageOf("Tenant")) }, ...listErrors },
    },
    post: {
      operationId: "createTenant",
      tags: ["Tenants"],
      summary: "Create a tenant",
      description: "A taken name or account code answers 409 with the field named. Audited. Requires an ADMIN token.",
      requestBody: { required: true, content: json(requestSchema(tenantCreateSchema, tenantBody)) },
      responses: { "201": { description: "The new tenant.", content: json(ref("Tenant")) }, ...writeErrors },
    },
  },
  "/api/v1/tenants/{id}": {
    parameters: [idParameter("tenant")],
    get: {
      operationId: "getTenant",
      tags: ["Tenants"],
      summary: "Get a tenant",
      description: "With the counts of what deleting it would remove. Other tenants' ids answer 404 to a TENANT_ADMIN token.",
      responses: { "200": { description: "The tenant.", content: json(ref("TenantDetail")) }, ...readErrors },
    },
    patch: {
      operationId: "updateTenant",
      tags: ["Tenants"],
      summary: "Change a tenant",
      description:
        "Partial change of name, description, autoWhitelistRestrictions and accountCode (null or \"\" clears it). A taken name or account code answers 409 with the field named. Audited. Requires an ADMIN token.",
      requestBody: { required: true, content: json(requestSchema(tenantUpdateSchema, tenantBody)) },
      responses: { "200": { description: "The tenant after the change.", content: json(ref("TenantDetail")) }, ...writeErrors },
    },
    delete: {
      operationId: "deleteTenant",
      tags: ["Tenants"],
      summary: "Delete a tenant",
      description:
        "Deletes the tenant with its IP restrictions, call limits and API tokens. Refused (409, saying how many) while users belong to it. Requires an ADMIN token.",
      responses: { "204": { description: "Deleted." }, ...readErrors, "409": response("Conflict") },
    },
  },
  "/api/v1/tenants/{id}/restrictions/pending": {
    parameters: [idParameter("tenant")],
    get: {
      operationId: "listPendingTenantNetworks",
      tags: ["Tenant IP restrictions"],
      summary: "A tenant's networks waiting for approval",
      description: `${TENANT_NETWORKS_WORDS} Oldest first (at most 1,000).`,
      responses: {
        "200": {
          description: "The pending networks.",
          content: json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("PendingTenantNetwork") } } }),
        },
        ...readErrors,
      },
    },
  },
  "/api/v1/tenants/{id}/restrictions/{entryId}/approve": {
    parameters: [idParameter("tenant"), entryIdParameter],
    post: {
      operationId: "approveTenantNetwork",
      tags: ["Tenant IP restrictions"],
      summary: "Approve a pending tenant network",
      description:
        "Puts a network that waits for approval in force: it is rendered from the next push on and gives the tenant's administrators sight of the bans inside it. Audited. Requires an ADMIN token (OPERATOR and TENANT_ADMIN tokens answer 403); 404 when the entry does not exist or is not pending.",
      responses: { "200": { description: "The approved network.", content: json(ref("TenantNetworkDecision")) }, ...readErrors },
    },
  },
  "/api/v1/tenants/{id}/restrictions/{entryId}/reject": {
    parameters: [idParameter("tenant"), entryIdParameter],
    post: {
      operationId: "rejectTenantNetwork",
      tags: ["Tenant IP restrictions"],
      summary: "Reject a pending tenant network",
      description:
        "Deletes a network that waits for approval. Audited. Requires an ADMIN token (OPERATOR and TENANT_ADMIN tokens answer 403); 404 when the entry does not exist or is not pending.",
      responses: { "200": { description: "The rejected (deleted) network.", content: json(ref("TenantNetworkDecision")) }, ...readErrors },
    },
  },
  "/api/v1/settings/tenant-networks": {
    get: {
      operationId: "getTenantNetworkSettings",
      tags: ["Tenants"],
      summary: "Minimum prefix of tenant networks",
      description: `The shortest IPv4 and IPv6 prefix a tenant administrator may store as a tenant network; a wider one is refused (422) with the minimum named. Administrators and operators are not bound by it. ${TENANT_NETWORKS_WORDS}`,
      responses: { "200": { description: "The settings.", content: json(ref("TenantNetworkSettings")) }, "401": response("Unauthorized"), "403": response("Forbidden") },
    },
    put: {
      operationId: "setTenantNetworkSettings",
      tags: ["Tenants"],
      summary: "Set the minimum prefix of tenant networks",
      description:
        "Both fields. Networks already stored keep their state; the minimum applies to what tenant administrators write from now on. Audited. Requires an ADMIN token.",
      requestBody: { required: true, content: json(requestSchema(tenantNetworkSettingsSchema)) },
      responses: { "200": { description: "The settings now stored.", content: json(ref("TenantNetworkSettings")) }, ...writeErrors },
    },
  },
  "/api/v1/call-limits/tenants": {
    get: {
      operationId: "listTenantCallLimits",
      tags: ["Call limits"],
      summary: "Tenants with their call limits",
      description: "Every tenant in name order with its daily and monthly ceilings and number of extension limits. A TENANT_ADMIN token sees its own tenant only.",
      parameters: listParameters,
      responses: { "200": { description: "One page.", content: json(pageOf("TenantLimitOverview")) }, ...listErrors },
    },
  },
  "/api/v1/call-limits/tenants/{id}": {
    parameters: [idParameter("tenant")],
    get: {
      operationId: "getTenantCallLimit",
      tags: ["Call limits"],
      summary: "Get a tenant's call limits",
      description: "All fields but tenantId are null when the tenant has none.",
      responses: { "200": { description: "The limits.", content: json(ref("TenantCallLimit")) }, ...readErrors },
    },
    put: {
      operationId: "setTenantCallLimit",
      tags: ["Call limits"],
      summary: "Set a tenant's call limits",
      description: "Replaces the daily and monthly ceilings; a null or absent limit means none. The monthly limit cannot be below the daily one. Requires policy:write (ADMIN, OPERATOR).",
      requestBody: {
        required: true,
        content: json(
          requestSchema(
            tenantCallLimitSchema,
            { dailyLimit: { anyOf: [money, { type: "null" }], type: undefined }, monthlyLimit: { anyOf: [money, { type: "null" }], type: undefined }, currency },
            ["dailyLimit", "monthlyLimit"],
          ),
        ),
      },
      responses: { "200": { description: "The limits now stored.", content: json(ref("TenantCallLimit")) }, ...writeErrors },
    },
    delete: {
      operationId: "deleteTenantCallLimit",
      tags: ["Call limits"],
      summary: "Remove a tenant's call limits",
      responses: { "204": { description: "Removed." }, ...readErrors },
    },
  },
  "/api/v1/call-limits/tenants/{id}/extensions": {
    parameters: [idParameter("tenant")],
    get: {
      operationId: "listExtensionCallLimits",
      tags: ["Call limits"],
      summary: "List a tenant's extension limits",
      parameters: listParameters,
      responses: { "200": { description: "One page, in extension order.", content: json(pageOf("ExtensionCallLimit")) }, ...readErrors, "422": response("ValidationFailed") },
    },
    post: {
      operationId: "createExtensionCallLimit",
      tags: ["Call limits"],
      summary: "Add an extension limit",
      description: "One limit per extension and tenant (409 for a second). Requires policy:write.",
      requestBody: { required: true, content: json(requestSchema(extensionLimitCreateSchema, extensionBody)) },
      responses: { "201": { description: "The new limit.", content: json(ref("ExtensionCallLimit")) }, ...writeErrors },
    },
  },
  "/api/v1/call-limits/extensions/{id}": {
    parameters: [idParameter("extension limit")],
    get: {
      operationId: "getExtensionCallLimit",
      tags: ["Call limits"],
      summary: "Get an extension limit",
      responses: { "200": { description: "The limit.", content: json(ref("ExtensionCallLimit")) }, ...readErrors },
    },
    patch: {
      operationId: "updateExtensionCallLimit",
      tags: ["Call limits"],
      summary: "Change an extension limit",
      requestBody: { required: true, content: json(requestSchema(extensionLimitUpdateSchema, extensionBody)) },
      responses: { "200": { description: "The limit after the change.", content: json(ref("ExtensionCallLimit")) }, ...writeErrors },
    },
    delete: {
      operationId: "deleteExtensionCallLimit",
      tags: ["Call limits"],
      summary: "Delete an extension limit",
      responses: { "204": { description: "Deleted." }, ...readErrors },
    },
  },
  "/api/v1/call-limits/routes": {
    get: {
      operationId: "listRouteCostLimits",
      tags: ["Call limits"],
      summary: "List route cost limits",
      description: "Maximum cost per minute of calls to a dialled prefix, in name order.",
      parameters: listParameters,
      responses: { "200": { description: "One page.", content: json(pageOf("RouteCostLimit")) }, ...listErrors },
    },
    post: {
      operationId: "createRouteCostLimit",
      tags: ["Call limits"],
      summary: "Add a route cost limit",
      description: "Names and prefixes are unique (409). Requires policy:write.",
      requestBody: { required: true, content: json(requestSchema(routeCostLimitCreateSchema, routeBody)) },
      responses: { "201": { description: "The new route limit.", content: json(ref("RouteCostLimit")) }, ...writeErrors },
    },
  },
  "/api/v1/call-limits/routes/{id}": {
    parameters: [idParameter("route cost limit")],
    get: {
      operationId: "getRouteCostLimit",
      tags: ["Call limits"],
      summary: "Get a route cost limit",
      responses: { "200": { description: "The route limit.", content: json(ref("RouteCostLimit")) }, ...readErrors },
    },
    patch: {
      operationId: "updateRouteCostLimit",
      tags: ["Call limits"],
      summary: "Change a route cost limit",
      requestBody: { required: true, content: json(requestSchema(routeCostLimitUpdateSchema, routeBody)) },
      responses: { "200": { description: "The route limit after the change.", content: json(ref("RouteCostLimit")) }, ...writeErrors },
    },
    delete: {
      operationId: "deleteRouteCostLimit",
      tags: ["Call limits"],
      summary: "Delete a route cost limit",
      responses: { "204": { description: "Deleted." }, ...readErrors },
    },
  },
  "/api/v1/call-limits/guard": {
    get: {
      operationId: "getCallGuard",
      tags: ["Call limits"],
      summary: "Get the call guard's settings",
      description: `${CALL_GUARD_ENFORCEMENT_TEXT} With the stored limits it cannot enforce. Requires policy:read.`,
      responses: { "200": { description: "The settings.", content: json(ref("CallGuardStatus")) }, "401": response("Unauthorized"), "403": response("Forbidden") },
    },
    put: {
      operationId: "setCallGuard",
      tags: ["Call limits"],
      summary: "Set the call guard's settings",
      description:
        "Replaces every field (422 naming each invalid one). The nodes get them with the next push. Audited. Requires an ADMIN token (settings:manage); others answer 403.",
      requestBody: { required: true, content: json(requestSchema(callGuardSettingsSchema, callGuardProperties)) },
      responses: { "200": { description: "The settings now stored.", content: json(ref("CallGuardStatus")) }, ...errorResponses(400, 401, 403, 422) },
    },
  },
  "/api/v1/call-limits/abuse-detection": {
    get: {
      operationId: "getAbuseDetection",
      tags: ["Call limits"],
      summary: "Get abuse detection settings",
      responses: { "200": { description: "The settings.", content: json(ref("AbuseDetection")) }, "401": response("Unauthorized"), "403": response("Forbidden") },
    },
    put: {
      operationId: "setAbuseDetection",
      tags: ["Call limits"],
      summary: "Set abuse detection",
      description: `More than maxCallsSameNumber calls (${ABUSE_RANGES.maxCallsSameNumber.min}–${ABUSE_RANGES.maxCallsSameNumber.max}) to the same international number within windowSeconds (${ABUSE_RANGES.windowSeconds.min}–${ABUSE_RANGES.windowSeconds.max}, default ${ABUSE_RANGES.windowSeconds.default}) blocks the calling extension. Requires policy:write.`,
      requestBody: { required: true, content: json(requestSchema(abuseDetectionSchema)) },
      responses: { "200": { description: "The settings now stored.", content: json(ref("AbuseDetection")) }, ...writeErrors },
    },
  },
};
