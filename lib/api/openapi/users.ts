import { LIST_LIMITS, roles, tokenCreateSchema, tokenSettingsSchema, userCreateSchema, userUpdateSchema } from "@/lib/validation/auth";
import { dateTime, errorResponses, json, nullable, ref, requestSchema, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/users and /api/v1/tokens (merged into /api/v1/openapi.json by
// ./index.ts). Request bodies come from the same zod schemas the routes parse with.

const role = { type: "string", enum: [...roles] };

const listParameters = [
  { name: "limit", in: "query", required: false, description: "Items per page.", schema: { type: "integer", minimum: 1, maximum: LIST_LIMITS.max, default: LIST_LIMITS.default } },
  { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged.", schema: { type: "string" } },
];

const idParameter = (what: string) => ({ name: "id", in: "path", required: true, description: `The ${what}'s id.`, schema: uuid });

const userCreateBody = requestSchema(userCreateSchema);
// The e-mail is trimmed before it is checked, which hides the format from the generated schema.
(userCreateBody.properties as Record<string, unknown>).email = { type: "string", format: "email", maxLength: 254 };

export const components = {
  schemas: {
    User: {
      type: "object",
      required: ["id", "email", "name", "role", "tenantId", "tenantName", "disabled", "lastSignInAt", "createdAt"],
      properties: {
        id: uuid,
        email: { type: "string", format: "email" },
        name: { type: "string" },
        role,
        tenantId: nullable(uuid),
        tenantName: nullable({ type: "string" }),
        disabled: { type: "boolean" },
        lastSignInAt: nullable(dateTime),
        createdAt: dateTime,
      },
    },
    TokenSettings: {
      type: "object",
      required: ["lifetimeDays"],
      properties: {
        lifetimeDays: { type: "integer", minimum: 1, maximum: 3650, description: "Longest life of a new token, in days; also the expiry of a token created without one." },
      },
    },
    ApiToken: {
      type: "object",
      required: ["id", "name", "prefix", "role", "tenantId", "tenantName", "createdAt", "createdBy", "lastUsedAt", "lastUsedIp", "expiresAt", "revokedAt", "status"],
      properties: {
        id: uuid,
        name: { type: "string" },
        prefix: { type: "string", description: "The first characters of the token, to recognise it." },
        role,
        tenantId: nullable(uuid),
        tenantName: nullable({ type: "string" }),
        createdAt: dateTime,
        createdBy: nullable({
          type: "string",
          description: "E-mail of the owner, the user who created it (null for a CLI token). The token is revoked when its owner is disabled, deleted, changes role or tenant, or signs out everywhere.",
        }),
        lastUsedAt: nullable({ ...dateTime, description: "Recorded with a resolution of one minute." }),
        lastUsedIp: nullable({ type: "string", description: "Client address of the last use." }),
        expiresAt: nullable(dateTime),
        revokedAt: nullable(dateTime),
        status: { type: "string", enum: ["active", "expired", "revoked"] },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/users": {
    get: {
      operationId: "listUsers",
      tags: ["Users"],
      summary: "List users",
      description: "Users in e-mail order, one page at a time. Requires an ADMIN token.",
      parameters: [
        { name: "search", in: "query", required: false, description: "Part of the e-mail or the name, in any case.", schema: { type: "string", maxLength: 254 } },
        ...listParameters,
      ],
      responses: {
        "200": {
          description: "One page of users.",
          content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: ref("User") }, nextCursor: nullable({ type: "string" }) } }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
    post: {
      operationId: "createUser",
      tags: ["Users"],
      summary: "Create a user",
      description:
        "Creates a user with a generated password, returned once in `initialPassword`. A TENANT_ADMIN needs `tenantId`; other roles must not have one.",
      requestBody: { required: true, content: json(userCreateBody) },
      responses: {
        "201": {
          description: "The user, with its initial password (shown only in this answer).",
          content: json({ allOf: [ref("User"), { type: "object", required: ["initialPassword"], properties: { initialPassword: { type: "string" } } }] }),
        },
        ...errorResponses(400, 401, 403, 409, 422),
      },
    },
  },
  "/api/v1/users/{id}": {
    parameters: [idParameter("user")],
    get: {
      operationId: "getUser",
      tags: ["Users"],
      summary: "Get a user",
      responses: {
        "200": { description: "The user.", content: json(ref("User")) },
        ...errorResponses(401, 403, 404),
      },
    },
    patch: {
      operationId: "updateUser",
      tags: ["Users"],
      summary: "Change a user",
      description:
        "Changes name, role, tenant or the disabled flag. A role, tenant or disable change ends the user's sessions at once and revokes the API tokens they created. " +
        "Changing the role away from TENANT_ADMIN without `tenantId` clears the tenant. Refused (409) for your own account's " +
        "role or disabled flag, and for the last active administrator.",
      requestBody: { required: true, content: json({ ...requestSchema(userUpdateSchema), minProperties: 1 }) },
      responses: {
        "200": { description: "The user after the change.", content: json(ref("User")) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    },
    delete: {
      operationId: "deleteUser",
      tags: ["Users"],
      summary: "Delete a user",
      description: "Deletes the user and their sessions and revokes every API token they created. Same guards as disabling.",
      responses: {
        "204": { description: "Deleted." },
        ...errorResponses(401, 403, 404, 409),
      },
    },
  },
  "/api/v1/users/{id}/reset-password": {
    parameters: [idParameter("user")],
    post: {
      operationId: "resetUserPassword",
      tags: ["Users"],
      summary: "Reset a user's password",
      description: "Sets a generated password, returned once, and ends every session of the user. Refused (409) for your own account.",
      responses: {
        "200": {
          description: "The new password (shown only in this answer).",
          content: json({ type: "object", required: ["id", "email", "password"], properties: { id: uuid, email: { type: "string" }, password: { type: "string" } } }),
        },
        ...errorResponses(401, 403, 404, 409),
      },
    },
  },
  "/api/v1/tokens": {
    get: {
      operationId: "listApiTokens",
      tags: ["API tokens"],
      summary: "List API tokens",
      description: "Tokens newest first, revoked and expired ones included (never the secrets).",
      parameters: listParameters,
      responses: {
        "200": {
          description: "One page of tokens.",
          content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: ref("ApiToken") }, nextCursor: nullable({ type: "string" }) } }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
    post: {
      operationId: "createApiToken",
      tags: ["API tokens"],
      summary: "Create an API token",
      description:
        "The secret is returned once, in `token`; only its SHA-256 is stored. A TENANT_ADMIN token needs `tenantId` and is limited to that tenant. " +
        "`expiresAt` must be in the future and within the token lifetime (`/api/v1/settings/tokens`); without it the token expires after the lifetime. " +
        "The token belongs to the user who created it (with a token: that token's owner).",
      requestBody: { required: true, content: json(requestSchema(tokenCreateSchema)) },
      responses: {
        "201": {
          description: "The token, with its secret (shown only in this answer).",
          content: json({ allOf: [ref("ApiToken"), { type: "object", required: ["token"], properties: { token: { type: "string" } } }] }),
        },
        ...errorResponses(400, 401, 403, 422),
      },
    },
  },
  "/api/v1/tokens/{id}": {
    parameters: [idParameter("token")],
    get: {
      operationId: "getApiToken",
      tags: ["API tokens"],
      summary: "Get an API token",
      responses: {
        "200": { description: "The token (without its secret).", content: json(ref("ApiToken")) },
        ...errorResponses(401, 403, 404),
      },
    },
    delete: {
      operationId: "revokeApiToken",
      tags: ["API tokens"],
      summary: "Revoke an API token",
      description: "The next request with the token is refused (401). The record stays, with its revocation time.",
      responses: {
        "204": { description: "Revoked." },
        ...errorResponses(401, 403, 404, 409),
      },
    },
  },
  "/api/v1/settings/tokens": {
    get: {
      operationId: "getTokenSettings",
      tags: ["API tokens"],
      summary: "Get the token lifetime",
      description: "Requires an ADMIN token.",
      responses: {
        "200": { description: "The token settings.", content: json(ref("TokenSettings")) },
        ...errorResponses(401, 403),
      },
    },
    put: {
      operationId: "updateTokenSettings",
      tags: ["API tokens"],
      summary: "Set the token lifetime",
      description: "Applies to tokens created from now on; existing tokens keep their expiry. Audited. Requires an ADMIN token.",
      requestBody: { required: true, content: json(requestSchema(tokenSettingsSchema)) },
      responses: {
        "200": { description: "The token settings after the change.", content: json(ref("TokenSettings")) },
        ...errorResponses(400, 401, 403, 422),
      },
    },
  },
};
