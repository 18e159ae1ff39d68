import { AUDIT_PAGE_LIMITS } from "@/lib/validation/audit-log";
import { errorResponses, nullable } from "./schema-helpers";

// OpenAPI 3.1 description of GET /api/v1/audit (merged into /api/v1/openapi.json by ./index.ts).

const timeDescription = "ISO 8601 date-time (without a zone: UTC) or a date";

export const components = {
  schemas: {
    AuditEntry: {
      type: "object",
      required: ["id", "at", "actorType", "actorId", "actorLabel", "action", "objectType", "objectId", "before", "after", "ip"],
      properties: {
        id: { type: "string", pattern: "^[0-9]+$", description: "64-bit id as text." },
        at: { type: "string", format: "date-time" },
        actorType: { type: "string", enum: ["USER", "TOKEN", "CLI", "SYSTEM"] },
        actorId: nullable({ type: "string" }),
        actorLabel: { type: "string", description: "A user's e-mail, `token:<name>`, `cli:<os user>` or `system`." },
        action: { type: "string", examples: ["user.create", "token.revoke"] },
        objectType: { type: "string", examples: ["user", "api-token", "tenant"] },
        objectId: nullable({ type: "string" }),
        before: { description: "The object before the change (null for creations)." },
        after: { description: "The object after the change (null for deletions)." },
        ip: nullable({ type: "string", description: "Client address of the change, when known." }),
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/audit": {
    get: {
      operationId: "listAuditLog",
      tags: ["Audit log"],
      summary: "Read the audit log",
      description: "Entries newest first. Filters combine with AND; an unknown query parameter is refused (422). Requires ADMIN, OPERATOR or VIEWER.",
      parameters: [
        { name: "actor", in: "query", required: false, description: "Part of the actor's label (case-insensitive).", schema: { type: "string", maxLength: 254 } },
        { name: "objectType", in: "query", required: false, description: "Exact object type, e.g. `user`.", schema: { type: "string", maxLength: 64 } },
        { name: "objectId", in: "query", required: false, description: "Exact object id.", schema: { type: "string", maxLength: 200 } },
        { name: "action", in: "query", required: false, description: "Exact action (`user.create`) or a family (`user` matches every `user.*`).", schema: { type: "string", maxLength: 100 } },
        { name: "from", in: "query", required: false, description: `Earliest time, inclusive: ${timeDescription} (its midnight UTC).`, schema: { type: "string" } },
        { name: "to", in: "query", required: false, description: `Latest time, inclusive: ${timeDescription} (through its end).`, schema: { type: "string" } },
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: AUDIT_PAGE_LIMITS.max, default: AUDIT_PAGE_LIMITS.default } },
        { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged.", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "One page of entries; `nextCursor` leads to older ones.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["items", "nextCursor"],
                properties: { items: { type: "array", items: { $ref: "#/components/schemas/AuditEntry" } }, nextCursor: nullable({ type: "string" }) },
              },
            },
          },
        },
        ...errorResponses(401, 403, 422),
      },
    },
  },
};
