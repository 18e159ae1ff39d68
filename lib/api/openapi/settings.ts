import { z } from "zod";

import {
  COMMENT_MAX_LENGTH,
  COMMENT_PATTERN,
  FAIL2BAN_RANGES,
  LIST_LIMITS,
  SIGNATURE_LIMITS,
  SIGNATURE_PATTERN,
} from "@/lib/validation/policy";
import {
  fail2banSettingsSchema,
  geoIpSettingsSchema,
  portsSettingsSchema,
  rateLimitSettingsSchema,
  scannerCreateSchema,
  scannerListSchema,
  scannerUpdateSchema,
} from "@/lib/validation/settings";
import { errorResponses, json, ref, response, uuid, type JsonSchema } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/settings/{geoip, geoip/countries, scanners, scanners/{id}, rate-limit,
// fail2ban, ports} (merged into /api/v1/openapi.json by ./index.ts). Bodies come from the zod schemas the routes
// parse with; the text rules zod keeps in refinements (signature and comment allow-lists, the permanent
// repeat-offender ban) are added as JSON Schema keywords here.

/** The schema as JSON Schema, without `$schema`. */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return rest;
}

/** Merges keywords into the sub-schema at a path of property names ("items" steps into an array). */
function withKeywords(schema: JsonSchema, path: readonly string[], keywords: JsonSchema): JsonSchema {
  const copy = structuredClone(schema);
  let node: JsonSchema = copy;
  for (const step of path) {
    node = (step === "items" ? node.items : (node.properties as Record<string, JsonSchema>)[step]) as JsonSchema;
  }
  Object.assign(node, keywords);
  return copy;
}

const signatureText = {
  minLength: SIGNATURE_LIMITS.minLength,
  maxLength: SIGNATURE_LIMITS.maxLength,
  pattern: SIGNATURE_PATTERN.source,
  description:
    "Literal text searched for in SIP requests (case-sensitive, like the iptables string match it becomes): letters, digits, " +
    "spaces and . _ - / ( ) + :, starting with a letter or digit and not ending with a space. Text found in every SIP request is refused.",
  examples: ["friendly-scanner"],
};
const commentText = { maxLength: COMMENT_MAX_LENGTH, pattern: COMMENT_PATTERN.source, description: "Printable ASCII without quotes, backslash, %, $ or backtick." };

const geoIp = withKeywords(jsonSchemaOf(geoIpSettingsSchema, "input"), ["countries"], {
  description: "ISO 3166-1 alpha-2 codes with data in the GeoIP dataset (see GET /settings/geoip/countries); at least one unless `mode` is OFF. Answered sorted.",
});
geoIp.description = "OFF; FULL_SERVER: only these countries reach SIP, web and SSH; WEB_ONLY: only the web ports are filtered.";

const rateLimit = {
  ...jsonSchemaOf(rateLimitSettingsSchema, "input"),
  description:
    "Per-source SIP packet rate (xt_hashlimit, packets per second and burst), REGISTER/INVITE hit counts per window in seconds (xt_recent), " +
    "SIP ports and transports, RTP port range (from ≤ to, no SIP port inside it).",
};

let fail2ban = jsonSchemaOf(fail2banSettingsSchema, "input");
fail2ban = withKeywords(fail2ban, ["recidive", "banTimeSeconds"], {
  minimum: undefined,
  maximum: undefined,
  anyOf: [
    { const: FAIL2BAN_RANGES.recidiveBanTimeSeconds.permanent, description: "Permanent." },
    { minimum: FAIL2BAN_RANGES.recidiveBanTimeSeconds.min, maximum: FAIL2BAN_RANGES.recidiveBanTimeSeconds.max },
  ],
  description: "Seconds, longer than `banTimeSeconds`; -1 bans repeat offenders permanently.",
});
fail2ban = JSON.parse(JSON.stringify(fail2ban)) as JsonSchema; // drops the keywords set to undefined
fail2ban.description =
  "Times in seconds. `recidive` is the escalation for repeat offenders. The web jail watches the PBX's own web interfaces " +
  "(FreePBX administration and UCP logins, HTTP authentication failures of its Apache). There is no mail action: ban e-mail is " +
  "the panel's digest (`/api/v1/settings/notifications`, Settings → Notifications), so nodes need no mail tools.";

const ports = { ...jsonSchemaOf(portsSettingsSchema, "input"), description: "TCP ports of SSH and of the web interface on every node; no port in both lists." };

const scannerCreate = withKeywords(withKeywords(jsonSchemaOf(scannerCreateSchema, "input"), ["pattern"], signatureText), ["comment"], commentText);
const scannerUpdate = {
  ...withKeywords(withKeywords(jsonSchemaOf(scannerUpdateSchema, "input"), ["pattern"], signatureText), ["comment"], commentText),
  minProperties: 1,
};
const scannerList = withKeywords(
  withKeywords(jsonSchemaOf(scannerListSchema, "input"), ["signatures", "items", "pattern"], signatureText),
  ["signatures", "items", "comment"],
  { ...commentText, description: "Omitted: an existing signature keeps its comment, a new one has none." },
);

const scanner = {
  type: "object",
  required: ["id", "pattern", "enabled", "comment"],
  properties: { id: uuid, pattern: { type: "string" }, enabled: { type: "boolean" }, comment: { type: "string" } },
};

export const components = {
  schemas: {
    GeoIpSettings: geoIp,
    GeoCountry: {
      type: "object",
      required: ["code", "name", "ipv4Ranges", "ipv6Ranges", "ipv4Addresses"],
      properties: {
        code: { type: "string", pattern: "^[A-Z]{2}$" },
        name: { type: "string", description: "English name." },
        ipv4Ranges: { type: "integer", description: "Contiguous IPv4 ranges (adjacent dataset rows merged)." },
        ipv6Ranges: { type: "integer", description: "Contiguous IPv6 ranges." },
        ipv4Addresses: { type: "integer", description: "IPv4 addresses covered." },
      },
    },
    RateLimitSettings: rateLimit,
    Fail2banSettings: fail2ban,
    PortsSettings: ports,
    ScannerSignature: scanner,
    ScannerSignatureCreate: scannerCreate,
    ScannerSignatureUpdate: scannerUpdate,
    ScannerSignatureList: scannerList,
  },
};

const readErrors = { "401": response("Unauthorized"), "403": response("Forbidden") };
const writeErrors = { "400": response("BadRequest"), ...readErrors, "422": response("ValidationFailed") };
const TAG = "Policy settings";
const READ = "Requires ADMIN, OPERATOR or VIEWER.";
const WRITE = "Requires ADMIN or OPERATOR. Audited with the value before and after; a change reaches the nodes with the next ruleset deployment.";

/** GET, PUT and PATCH of one settings object. */
function singleton(name: string, schema: string, what: string, patchNote = ""): Record<string, unknown> {
  return {
    get: {
      operationId: `get${name}`,
      tags: [TAG],
      summary: `Read the ${what}`,
      description: READ,
      responses: { "200": { description: `The ${what}.`, content: json(ref(schema)) }, ...readErrors },
    },
    put: {
      operationId: `replace${name}`,
      tags: [TAG],
      summary: `Replace the ${what}`,
      description: `Every field is required: a body with missing fields is refused (422) with each one listed in \`fieldErrors\`. ${WRITE}`,
      requestBody: { required: true, content: json(ref(schema)) },
      responses: { "200": { description: `The stored ${what}.`, content: json(ref(schema)) }, ...writeErrors },
    },
    patch: {
      operationId: `update${name}`,
      tags: [TAG],
      summary: `Change some of the ${what}`,
      description: `Fields present replace the stored ones${patchNote}; lists are replaced whole. The result is validated as a whole, as for PUT. ${WRITE}`,
      requestBody: { required: true, content: json({ type: "object", description: `Any subset of ${schema}.` }) },
      responses: { "200": { description: `The stored ${what}.`, content: json(ref(schema)) }, ...writeErrors },
    },
  };
}

const idParameter = { name: "id", in: "path", required: true, description: "The signature's id.", schema: uuid };

export const paths: Record<string, unknown> = {
  "/api/v1/settings/geoip": singleton("GeoIpSettings", "GeoIpSettings", "GeoIP policy"),
  "/api/v1/settings/geoip/countries": {
    get: {
      operationId: "listGeoIpCountries",
      tags: [TAG],
      summary: "List the countries of the GeoIP dataset",
      description: `The codes the GeoIP policy accepts, with English names and range counts, sorted by name (about 250 entries, not paginated). ${READ}`,
      responses: {
        "200": {
          description: "The dataset and its countries.",
          content: json({
            type: "object",
            required: ["datasetId", "items"],
            properties: { datasetId: { type: "string", examples: ["@ip-location-db/geo-whois-asn-country@2.3.2026061719"] }, items: { type: "array", items: ref("GeoCountry") } },
          }),
        },
        ...readErrors,
      },
    },
  },
  "/api/v1/settings/rate-limit": singleton("RateLimitSettings", "RateLimitSettings", "SIP rate limits"),
  "/api/v1/settings/fail2ban": singleton("Fail2banSettings", "Fail2banSettings", "fail2ban settings", " (`recidive` is merged one level down)"),
  "/api/v1/settings/ports": singleton("PortsSettings", "PortsSettings", "SSH and web ports"),
  "/api/v1/settings/scanners": {
    get: {
      operationId: "listScannerSignatures",
      tags: [TAG],
      summary: "List the scanner signatures",
      description: `All of them (at most ${LIST_LIMITS.scannerSignatures}, so not paginated), in case-insensitive pattern order. ${READ}`,
      responses: {
        "200": {
          description: "The list.",
          content: json({ type: "object", required: ["signatures"], properties: { signatures: { type: "array", items: ref("ScannerSignature") } } }),
        },
        ...readErrors,
      },
    },
    put: {
      operationId: "replaceScannerSignatures",
      tags: [TAG],
      summary: "Replace the scanner signature list",
      description:
        "Items with an `id` update that signature; items without one keep the stored signature with exactly their pattern, or are added. " +
        "Stored signatures no item matches are deleted. Exact duplicate patterns are refused; patterns differing only in case are distinct. " +
        `One audit record holds the list before and after. ${WRITE}`,
      requestBody: { required: true, content: json(ref("ScannerSignatureList")) },
      responses: {
        "200": {
          description: "The stored list and what changed.",
          content: json({
            type: "object",
            required: ["signatures", "added", "updated", "removed"],
            properties: {
              signatures: { type: "array", items: ref("ScannerSignature") },
              added: { type: "integer" },
              updated: { type: "integer" },
              removed: { type: "integer" },
            },
          }),
        },
        ...writeErrors,
      },
    },
    post: {
      operationId: "createScannerSignature",
      tags: [TAG],
      summary: "Add a scanner signature",
      description: `${WRITE} A pattern already in the list is a 409; so is a full list (${LIST_LIMITS.scannerSignatures}).`,
      requestBody: { required: true, content: json(ref("ScannerSignatureCreate")) },
      responses: {
        "201": { description: "The new signature.", content: json(ref("ScannerSignature")) },
        ...writeErrors,
        "409": response("Conflict"),
      },
    },
  },
  "/api/v1/settings/scanners/{id}": {
    parameters: [idParameter],
    get: {
      operationId: "getScannerSignature",
      tags: [TAG],
      summary: "Read one scanner signature",
      description: READ,
      responses: { "200": { description: "The signature.", content: json(ref("ScannerSignature")) }, ...readErrors, "404": response("NotFound") },
    },
    patch: {
      operationId: "updateScannerSignature",
      tags: [TAG],
      summary: "Change a scanner signature",
      description: `Any of pattern, enabled and comment. ${WRITE}`,
      requestBody: { required: true, content: json(ref("ScannerSignatureUpdate")) },
      responses: {
        "200": { description: "The stored signature.", content: json(ref("ScannerSignature")) },
        ...writeErrors,
        ...errorResponses(404, 409),
      },
    },
    delete: {
      operationId: "deleteScannerSignature",
      tags: [TAG],
      summary: "Delete a scanner signature",
      description: WRITE,
      responses: { "204": { description: "Deleted." }, ...readErrors, "404": response("NotFound") },
    },
  },
};
