import { GUARD_REASON_TEXT } from "@/lib/guard/outcome";
import { CALL_RECORD_PAGE_LIMITS } from "@/lib/validation/call-records";
import { EXTENSION_BLOCK_PAGE_LIMITS } from "@/lib/validation/extension-blocks";
import { dateTime, errorResponses, json, nullable, ref, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of GET /api/v1/calls and the extension blocks under /api/v1/call-limits/blocks (merged
// into /api/v1/openapi.json by ./index.ts): the call records the collector read from the nodes' Asterisk CDRs, with
// the call guard's decision, and the extensions the guard blocked for abuse.

const REASONS = Object.entries(GUARD_REASON_TEXT)
  .map(([reason, text]) => `\`${reason}\`: ${text}`)
  .join("; ");

const TENANT_SCOPE = "A TENANT_ADMIN caller gets only its tenant's account code, and nothing while the tenant has none.";

export const components = {
  schemas: {
    CallRecord: {
      type: "object",
      required: [
        "id", "nodeId", "uniqueId", "accountCode", "source", "destination", "context", "callerId", "channel", "dstChannel", "lastApp",
        "startedAt", "answeredAt", "endedAt", "durationSeconds", "billSeconds", "disposition", "userField", "nodeName",
        "guardOutcome", "guardReason", "guardExtension", "cost", "currency", "collectedAt",
      ],
      properties: {
        id: { type: "string", pattern: "^[0-9]+$", description: "64-bit id as text." },
        nodeId: { ...uuid, description: "The node whose Asterisk wrote the record." },
        nodeName: { type: "string" },
        uniqueId: { type: "string", description: "Asterisk's uniqueid of the calling channel (one call may write several records)." },
        accountCode: { type: "string", description: "The CDR's account code, exactly as Asterisk wrote it (may be empty)." },
        source: { type: "string", description: "Calling number (src)." },
        destination: { type: "string", description: "Dialled number (dst)." },
        context: { type: "string" },
        callerId: { type: "string" },
        channel: { type: "string" },
        dstChannel: { type: "string" },
        lastApp: { type: "string" },
        startedAt: dateTime,
        answeredAt: nullable(dateTime),
        endedAt: dateTime,
        durationSeconds: { type: "integer", minimum: 0, description: "From the start to the end of the call." },
        billSeconds: { type: "integer", minimum: 0, description: "From the answer to the end (0 when not answered)." },
        disposition: { type: "string", enum: ["ANSWERED", "NO_ANSWER", "BUSY", "FAILED", "CONGESTION"] },
        userField: { type: "string", description: "The CDR's userfield as written (the call guard writes its decision there)." },
        guardOutcome: nullable({ type: "string", enum: ["ALLOW", "REFUSE", "BLOCK"], description: "The call guard's decision; null for a call it did not decide." }),
        guardReason: nullable({ type: "string", description: `Why the guard refused or blocked the call (\`off\` for a call allowed with the guard off). ${REASONS}.` }),
        guardExtension: nullable({ type: "string", description: "The calling extension (PJSIP endpoint) as the guard saw it." }),
        cost: nullable({ type: "string", pattern: "^[0-9]+(\\.[0-9]{1,4})?$", description: "Exact decimal cost by the rate the guard allowed the call at; null when not priced." }),
        currency: nullable({ type: "string", pattern: "^[A-Z]{3}$" }),
        collectedAt: { ...dateTime, description: "When the collector stored the record." },
      },
    },
    ExtensionBlock: {
      type: "object",
      required: ["id", "accountCode", "extension", "tenantId", "tenantName", "nodeId", "nodeName", "number", "blockedAt", "liftedAt", "liftedBy", "isOpen"],
      properties: {
        id: uuid,
        accountCode: { type: "string", description: "The tenant's account code the blocked extension calls with." },
        extension: { type: "string", description: "The blocked PJSIP endpoint." },
        tenantId: nullable(uuid),
        tenantName: nullable({ type: "string" }),
        nodeId: nullable({ ...uuid, description: "The node whose guard blocked it; null once that node was removed." }),
        nodeName: nullable({ type: "string" }),
        number: { type: "string", description: "The international number the extension called too often." },
        blockedAt: dateTime,
        liftedAt: nullable(dateTime),
        liftedBy: nullable({ type: "string", description: "E-mail of the user, token:NAME or cli:USER that lifted it." }),
        isOpen: { type: "boolean", description: "Still in force (not lifted)." },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/calls": {
    get: {
      operationId: "listCallRecords",
      tags: ["Calls"],
      summary: "List call records",
      description:
        "The call records (CDRs) the nodes' Asterisk wrote, as the collector stored them, newest first by start time, each with " +
        "the call guard's decision, reason, extension and cost. Filters combine with AND; an unknown query parameter is refused " +
        `(422). Requires calls:read. ${TENANT_SCOPE}`,
      parameters: [
        { name: "nodeId", in: "query", required: false, description: "Only records of this node (its id).", schema: uuid },
        { name: "accountCode", in: "query", required: false, description: "Only records with exactly this account code.", schema: { type: "string", maxLength: 256 } },
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: CALL_RECORD_PAGE_LIMITS.max, default: CALL_RECORD_PAGE_LIMITS.default } },
        { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged. A bad one answers 422.", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "One page of records; `nextCursor` leads to older ones (null at the oldest).",
          content: json({
            type: "object",
            required: ["items", "nextCursor"],
            properties: { items: { type: "array", items: ref("CallRecord") }, nextCursor: nullable({ type: "string" }) },
          }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
  },
  "/api/v1/call-limits/blocks": {
    get: {
      operationId: "listExtensionBlocks",
      tags: ["Call limits"],
      summary: "List extension blocks",
      description:
        "The extensions the call guard blocked for abuse (too many calls to one international number): the open blocks first, " +
        `then the lifted ones, each newest first. Requires calls:read. ${TENANT_SCOPE}`,
      parameters: [
        { name: "open", in: "query", required: false, description: "true: only blocks still in force.", schema: { type: "boolean", default: false } },
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: EXTENSION_BLOCK_PAGE_LIMITS.max, default: EXTENSION_BLOCK_PAGE_LIMITS.default } },
        { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged. A bad one answers 422.", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "One page of blocks; `nextCursor` leads to the rest (null at the end).",
          content: json({
            type: "object",
            required: ["items", "nextCursor"],
            properties: { items: { type: "array", items: ref("ExtensionBlock") }, nextCursor: nullable({ type: "string" }) },
          }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
  },
  "/api/v1/call-limits/blocks/{id}/lift": {
    parameters: [{ name: "id", in: "path", required: true, schema: uuid }],
    post: {
      operationId: "liftExtensionBlock",
      tags: ["Call limits"],
      summary: "Lift an extension block",
      description:
        "Lifts an open block (audited, with the caller as liftedBy) and sends every node the cluster's guard state at once; a node " +
        "that cannot be reached now gets it with its next poll (`nodes.pending`). A block lifted already answers 409. Requires " +
        "bans:write (ADMIN, OPERATOR, TENANT_ADMIN); a TENANT_ADMIN reaches only its tenant's blocks, another's answers 404.",
      responses: {
        "200": {
          description: "The block, now lifted, and how many nodes hold the lift already.",
          content: json({
            type: "object",
            required: ["block", "nodes"],
            properties: {
              block: ref("ExtensionBlock"),
              nodes: {
                type: "object",
                required: ["updated", "pending"],
                properties: {
                  updated: { type: "integer", minimum: 0, description: "Nodes sent the lift now." },
                  pending: { type: "integer", minimum: 0, description: "Nodes not reached now: they get it with their next poll." },
                },
              },
            },
          }),
        },
        ...errorResponses(401, 403, 404, 409),
      },
    },
  },
};
