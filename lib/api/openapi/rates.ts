import { MONEY_PATTERN } from "@/lib/validation/call-limits";
import { PAGE_LIMITS } from "@/lib/validation/tenant";
import {
  DEFAULT_PRICE_DURATION_SECONDS,
  DIALLED_NUMBER_MAX_LENGTH,
  INCREMENT_RANGE,
  MAX_PRICE_DURATION_SECONDS,
  MAX_RATE_IMPORT_BYTES,
  MAX_RATE_LINES,
  RATE_DESCRIPTION_MAX_LENGTH,
  RATES_ENFORCEMENT,
} from "@/lib/validation/rates";
import { errorResponses, json, nullable, ref, response, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of a route's rate table (/api/v1/call-limits/routes/{id}/rates…, …/price), merged into
// /api/v1/openapi.json by ./index.ts. Rates are for pricing calls and reports; every operation says so.

const money = { type: "string", pattern: MONEY_PATTERN.source, description: "A decimal amount as a string, at most 4 decimals, in the route's currency.", examples: ["0.0125"] };
const routeParameter = { name: "id", in: "path", required: true, description: "The route cost limit's id.", schema: uuid };
const CSV_WORDS =
  `CSV with the columns prefix,description,cost_per_minute,increment,connection_fee (a header row is optional; with one, columns are found by name). ` +
  `prefix: 1 to 20 digits, a leading + is removed; increment: first/next seconds such as 60/60, 1/1 or 30/6 (each ${INCREMENT_RANGE.min}–${INCREMENT_RANGE.max}); ` +
  `amounts: decimal with a point, at most 4 decimals, in the route's currency; an empty connection_fee is 0. A prefix may appear once. ` +
  `At most ${MAX_RATE_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_RATE_LINES.toLocaleString("en-US")} lines.`;

const routeRef = {
  type: "object",
  required: ["id", "name", "currency"],
  properties: { id: uuid, name: { type: "string" }, currency: { type: "string", description: "ISO 4217 code: the currency of every rate of the route." } },
};
const rejectedLine = {
  type: "object",
  required: ["line", "text", "reason"],
  properties: { line: { type: "integer", description: "1-based line number." }, text: { type: "string" }, reason: { type: "string" } },
};
const enforcement = { type: "string", description: "Always says what rates decide on the nodes: the call guard prices calls with them once it is enabled and pushed (GET /api/v1/call-limits/guard says whether it is).", examples: [RATES_ENFORCEMENT] };

export const components = {
  schemas: {
    RouteRate: {
      type: "object",
      required: ["id", "prefix", "description", "costPerMinute", "firstIncrement", "nextIncrement", "increment", "connectionFee"],
      properties: {
        id: uuid,
        prefix: { type: "string", pattern: "^\\d{1,20}$" },
        description: { type: "string", maxLength: RATE_DESCRIPTION_MAX_LENGTH },
        costPerMinute: money,
        firstIncrement: { type: "integer", minimum: INCREMENT_RANGE.min, maximum: INCREMENT_RANGE.max },
        nextIncrement: { type: "integer", minimum: INCREMENT_RANGE.min, maximum: INCREMENT_RANGE.max },
        increment: { type: "string", description: "first/next, as the CSV writes it.", examples: ["30/6"] },
        connectionFee: money,
      },
    },
    RateImportReport: {
      type: "object",
      required: ["route", "lines", "skipped", "accepted", "rejectedCount", "rejected", "isRejectedTruncated", "isDryRun", "isStored", "previousCount", "enforcement"],
      properties: {
        error: { type: "string", description: "With 422 only: how many lines were rejected." },
        route: routeRef,
        lines: { type: "integer" },
        skipped: { type: "integer", description: "Blank lines, # comment lines and the header." },
        accepted: { type: "integer", description: "Good lines; the rates stored when isStored." },
        rejectedCount: { type: "integer" },
        rejected: { type: "array", items: rejectedLine, description: "The first 1,000 rejected lines with their reasons." },
        isRejectedTruncated: { type: "boolean" },
        isDryRun: { type: "boolean" },
        isStored: { type: "boolean", description: "Whether the route's table was replaced." },
        previousCount: { type: "integer", description: "Rates the route had before." },
        enforcement,
      },
    },
    CallPrice: {
      type: "object",
      required: ["route", "number", "rate", "durationSeconds", "billedSeconds", "cost", "display", "enforcement"],
      properties: {
        route: routeRef,
        number: { type: "string", description: "The number as priced (a leading + removed)." },
        rate: ref("RouteRate"),
        durationSeconds: { type: "integer" },
        billedSeconds: { type: "integer", description: "0 for a 0 s call; else the first increment, then whole next increments." },
        cost: {
          type: "string",
          description: "connection fee + cost per minute × billed seconds / 60, computed exactly and rounded once, half up, to the currency's minor unit.",
          examples: ["0.11"],
        },
        display: { type: "string", examples: ["€0.11"] },
        enforcement,
      },
    },
  },
};

export const paths = {
  "/api/v1/call-limits/routes/{id}/rates": {
    parameters: [routeParameter],
    get: {
      operationId: "listRouteRates",
      tags: ["Call limits"],
      summary: "List a route's rates",
      description: `The route's rate table in prefix order. ${RATES_ENFORCEMENT} Requires policy:read.`,
      parameters: [
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: PAGE_LIMITS.max, default: PAGE_LIMITS.default } },
        { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page, unchanged.", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "One page.",
          content: json({
            type: "object",
            required: ["route", "items", "nextCursor", "enforcement"],
            properties: { route: routeRef, items: { type: "array", items: ref("RouteRate") }, nextCursor: nullable({ type: "string" }), enforcement },
          }),
        },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  },
  "/api/v1/call-limits/routes/{id}/rates/import": {
    parameters: [routeParameter],
    post: {
      operationId: "importRouteRates",
      tags: ["Call limits"],
      summary: "Replace a route's rates with a CSV",
      description:
        `${CSV_WORDS} The whole table is replaced, and only when every line is good: with any rejected line nothing is stored and the answer is 422 with every rejected line and its reason. ` +
        `?dryRun=true (or "dryRun": true in JSON) checks the file and stores nothing. A file with the header alone empties the table. ${RATES_ENFORCEMENT} Requires policy:write.`,
      parameters: [{ name: "dryRun", in: "query", required: false, description: "With text/csv: check only.", schema: { type: "boolean", default: false } }],
      requestBody: {
        required: true,
        content: {
          "text/csv": { schema: { type: "string" }, example: "prefix,description,cost_per_minute,increment,connection_fee\n44,United Kingdom,0.0125,60/60,0\n447,UK mobile,0.085,30/6,0.05\n" },
          "application/json": {
            schema: { type: "object", required: ["text"], additionalProperties: false, properties: { text: { type: "string" }, dryRun: { type: "boolean", default: false } } },
          },
        },
      },
      responses: {
        "200": { description: "Every line was good: the table was replaced (or, on a dry run, would be).", content: json(ref("RateImportReport")) },
        "422": { description: "Lines were rejected and nothing was stored, or an option is not valid.", content: json(ref("RateImportReport")) },
        ...errorResponses(400, 401, 403, 404),
      },
    },
  },
  "/api/v1/call-limits/routes/{id}/rates/export": {
    parameters: [routeParameter],
    get: {
      operationId: "exportRouteRates",
      tags: ["Call limits"],
      summary: "Export a route's rates as CSV",
      description: "Columns prefix,description,cost_per_minute,increment,connection_fee in prefix order, formula-protected; the import reads the file back unchanged. Requires policy:read.",
      responses: { "200": { description: "CSV.", content: { "text/csv": { schema: { type: "string" } } } }, "401": response("Unauthorized"), "403": response("Forbidden"), "404": response("NotFound") },
    },
  },
  "/api/v1/call-limits/routes/{id}/price": {
    parameters: [routeParameter],
    get: {
      operationId: "priceRouteNumber",
      tags: ["Call limits"],
      summary: "Price a call to a number by the route's rates",
      description: `The rate with the longest prefix the number starts with prices a call of the given duration. The number is priced as given: no outbound prefix is removed. ${RATES_ENFORCEMENT} Requires policy:read.`,
      parameters: [
        {
          name: "number",
          in: "query",
          required: true,
          description: `1 to ${DIALLED_NUMBER_MAX_LENGTH} digits, optionally after + (send it as %2B).`,
          schema: { type: "string", pattern: `^\\+?\\d{1,${DIALLED_NUMBER_MAX_LENGTH}}$` },
        },
        {
          name: "duration",
          in: "query",
          required: false,
          description: "Call length in whole seconds.",
          schema: { type: "integer", minimum: 0, maximum: MAX_PRICE_DURATION_SECONDS, default: DEFAULT_PRICE_DURATION_SECONDS },
        },
      ],
      responses: {
        "200": { description: "The price.", content: json(ref("CallPrice")) },
        "404": { description: "No such route, or no rate of the route matches the number.", content: json(ref("Error")) },
        ...errorResponses(401, 403, 422),
      },
    },
  },
};
