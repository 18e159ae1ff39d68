import { CALL_RECORD_PAGE_LIMITS } from "@/lib/validation/call-records";
import { dateTime, errorResponses, json, nullable, ref, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of GET /api/v1/calls (merged into /api/v1/openapi.json by ./index.ts): the call records
// the collector read from the nodes' Asterisk CDRs. Nothing enforces call limits with them yet.

export const components = {
  schemas: {
    CallRecord: {
      type: "object",
      required: [
        "id", "nodeId", "uniqueId", "accountCode", "source", "destination", "context", "callerId", "channel", "dstChannel", "lastApp",
        "startedAt", "answeredAt", "endedAt", "durationSeconds", "billSeconds", "disposition", "collectedAt",
      ],
      properties: {
        id: { type: "string", pattern: "^[0-9]+$", description: "64-bit id as text." },
        nodeId: { ...uuid, description: "The node whose Asterisk wrote the record." },
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
        collectedAt: { ...dateTime, description: "When the collector stored the record." },
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
        "The call records (CDRs) the nodes' Asterisk wrote, as the collector stored them, newest first by start time. Read-only: " +
        "call-cost limits are not enforced yet, so these are only the calls that happened. Filters combine with AND; an unknown " +
        "query parameter is refused (422). Requires ADMIN, OPERATOR or VIEWER; TENANT_ADMIN is refused (403) because account " +
        "codes are not tied to tenants yet.",
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
};
