import { COMMENT_MAX_LENGTH, COMMENT_PATTERN } from "@/lib/validation/policy";
import {
  bulkDeleteSchema,
  DEFAULT_PAGE_SIZE,
  entryCreateSchema,
  entryUpdateSchema,
  importBodySchema,
  managementReplaceSchema,
  MAX_BULK_IDS,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
} from "@/lib/validation/address-entry";
import { dateTime, errorResponses, json, nullable, ref, requestSchema, response, uuid, type JsonSchema } from "./schema-helpers";

// OpenAPI 3.1 description of the address lists: /api/v1/whitelist, /api/v1/blocklist,
// /api/v1/tenants/{id}/restrictions and /api/v1/settings/management-access (merged by ./index.ts). Request
// bodies are generated from the zod schemas the routes parse with; the address and comment rules, which zod
// keeps in refinements, are described in words and patterns.

const NETWORK_DESCRIPTION =
  "An IPv4 or IPv6 address or CIDR network in strict form: dotted-quad IPv4 without leading zeros, no shorthand, integer, " +
  "hex or octal forms; IPv6 without zone ids; no host bits after the prefix (the message offers the right network); no " +
  "IPv4-mapped IPv6. /0 is refused. IPv4 wider than /8 and IPv6 wider than /32 need `confirmBroad: true`. Answers hold " +
  "the canonical form (PostgreSQL's inet text: lower case, RFC 5952, no /32 or /128 on hosts).";

const entrySchema: JsonSchema = {
  type: "object",
  required: ["id", "list", "network", "family", "comment", "source", "tenantId", "expiresAt", "author", "createdAt", "updatedAt", "isExpired", "coveredBy", "conflictWith"],
  properties: {
    id: uuid,
    list: { type: "string", enum: ["whitelist", "blocklist", "management", "tenant"] },
    network: { type: "string", description: "Canonical text.", examples: ["192.0.2.0/24", "2001:db8::1"] },
    family: { type: "integer", enum: [4, 6] },
    comment: { type: "string", maxLength: COMMENT_MAX_LENGTH },
    source: { type: "string", enum: ["MANUAL", "IMPORT", "FEED", "TENANT", "AUTO_REGISTRATION"] },
    tenantId: nullable(uuid),
    expiresAt: nullable(dateTime),
    author: { type: "string", description: "E-mail of the user or name of the token that wrote the entry." },
    createdAt: dateTime,
    updatedAt: dateTime,
    isExpired: { type: "boolean", description: "Expired entries stay listed but no longer count (coverage, conflicts, rendering)." },
    coveredBy: nullable({ type: "string", description: "A wider active entry of the same list covering this one." }),
    conflictWith: nullable({
      type: "string",
      description: "An active entry of the other list (whitelist ↔ blocklist) overlapping this one. The whitelist wins at render time.",
    }),
  },
};

const changeResultSchema: JsonSchema = {
  allOf: [
    ref("AddressEntry"),
    {
      type: "object",
      properties: {
        notices: { type: "array", items: { type: "string" }, description: "Remarks such as conflicts with the other list; the change was made." },
      },
    },
  ],
};

const pageSchema: JsonSchema = {
  type: "object",
  required: ["items", "nextCursor", "prevCursor"],
  properties: {
    items: { type: "array", items: ref("AddressEntry") },
    nextCursor: nullable({ type: "string", description: "Pass as `cursor` for the next page; null on the last page." }),
    prevCursor: nullable({ type: "string", description: "Pass as `cursor` for the previous page; null on the first page." }),
  },
};

const importReportSchema: JsonSchema = {
  type: "object",
  required: ["format", "lines", "skipped", "accepted", "rejectedCount", "duplicates", "covered", "rejected", "isRejectedTruncated"],
  properties: {
    format: { type: "string", enum: ["text", "csv"] },
    lines: { type: "integer" },
    skipped: { type: "integer", description: "Blank lines, # comment lines and a CSV header." },
    accepted: { type: "integer", description: "Entries stored." },
    rejectedCount: { type: "integer" },
    duplicates: { type: "integer", description: "Rejected as repeated lines or already on the list." },
    covered: { type: "integer", description: "Rejected as covered by a wider network (allowCovered stores them)." },
    rejected: {
      type: "array",
      description: "Every rejected line with its reason (the first 10,000; rejectedCount counts all).",
      items: {
        type: "object",
        required: ["line", "text", "reason"],
        properties: { line: { type: "integer", description: "1-based." }, text: { type: "string" }, reason: { type: "string" } },
      },
    },
    isRejectedTruncated: { type: "boolean" },
  },
};

const filterParameters = [
  {
    name: "q",
    in: "query",
    schema: { type: "string", maxLength: MAX_SEARCH_LENGTH },
    description: "Text search: a whole address or network finds the entries inside it; the start of an address (192.168.) matches by prefix; other text searches comments and authors.",
  },
  {
    name: "covers",
    in: "query",
    schema: { type: "string" },
    description: "An address (or network): answers every entry covering it, most specific first, on one page (index lookup).",
  },
  { name: "status", in: "query", schema: { type: "string", enum: ["all", "active", "expired"], default: "all" } },
];

const pageParameters = [
  ...filterParameters,
  { name: "sort", in: "query", schema: { type: "string", enum: ["newest", "network"], default: "newest" } },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
  { name: "cursor", in: "query", schema: { type: "string" }, description: "Opaque: nextCursor or prevCursor of a previous answer. A bad one answers 422." },
];

const errors = {
  ...errorResponses(401, 403, 422),
};

interface ListDoc {
  /** Path of the collection, e.g. /whitelist. */
  path: string;
  /** operationId stem: Whitelist, Blocklist, TenantRestriction. */
  name: string;
  tag: string;
  /** "the whitelist". */
  words: string;
  /** Path parameters of the collection (tenant id). */
  parameters: Record<string, unknown>[];
  /** Name of the entry id parameter. */
  entryParam: string;
  notFound: boolean;
}

/** The bulk import of one list: the same operation for the three lists and the management access list. */
function importPath({ name, tag, words, parameters, notFound }: Pick<ListDoc, "name" | "tag" | "words"> & { parameters: unknown[]; notFound: Record<string, unknown> }): Record<string, unknown> {
  return {
    ...(parameters.length ? { parameters } : {}),
    post: {
      operationId: `import${name}Entries`,
      tags: [tag],
      summary: `Bulk import into ${words}`,
      description:
        "Plain text (one address or network per line, optional `# comment`; blank and `#` lines skipped) or CSV `network,comment,expiry` " +
        "(optional header; RFC 4180 quoting). Send the file as text/plain or text/csv with the options as query parameters, or JSON. " +
        "Every good line is stored; every other line is reported with its line number and reason (duplicates, entries already on the list, covered entries, invalid input).",
      parameters: [
        { name: "format", in: "query", schema: { type: "string", enum: ["auto", "text", "csv"], default: "auto" } },
        { name: "comment", in: "query", schema: { type: "string", maxLength: COMMENT_MAX_LENGTH }, description: "Comment for lines without one." },
        { name: "allowCovered", in: "query", schema: { type: "boolean", default: false } },
        { name: "confirmBroad", in: "query", schema: { type: "boolean", default: false } },
      ],
      requestBody: {
        required: true,
        content: {
          "text/plain": { schema: { type: "string" } },
          "text/csv": { schema: { type: "string" } },
          ...json(ref("AddressImport")),
        },
      },
      responses: {
        "200": { description: "What was stored and what was rejected, line by line.", content: json(ref("AddressImportReport")) },
        "400": response("BadRequest"),
        ...errors,
        ...notFound,
      },
    },
  };
}

function listPaths(doc: ListDoc): Record<string, unknown> {
  const { path, name, tag, words, parameters, entryParam } = doc;
  const notFound = doc.notFound ? { "404": response("NotFound") } : {};
  const entryParameters = [...parameters, { name: entryParam, in: "path", required: true, schema: uuid }];
  return {
    [path]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `list${name}Entries`,
        tags: [tag],
        summary: `List ${words}`,
        description: "One keyset page, newest first or by network; with `covers`, the entries covering an address. Each entry says whether it is expired, covered by a wider entry, or in conflict with the other list.",
        parameters: pageParameters,
        responses: { "200": { description: "A page.", content: json(ref("AddressEntryPage")) }, ...errors, ...notFound },
      },
      post: {
        operationId: `create${name}Entry`,
        tags: [tag],
        summary: `Add an entry to ${words}`,
        description: `${NETWORK_DESCRIPTION} An exact duplicate answers 409; so does an entry already covered by a wider active entry of the same list, unless \`allowCovered: true\`.`,
        requestBody: { required: true, content: json(ref("AddressEntryCreate")) },
        responses: {
          "201": { description: "The stored entry (network canonical) and notices.", content: json(ref("AddressEntryChange")) },
          "400": response("BadRequest"),
          ...errors,
          ...notFound,
          "409": response("Conflict"),
        },
      },
    },
    [`${path}/{${entryParam}}`]: {
      parameters: entryParameters,
      get: {
        operationId: `get${name}Entry`,
        tags: [tag],
        summary: "One entry",
        responses: { "200": { description: "The entry.", content: json(ref("AddressEntry")) }, ...errors, "404": response("NotFound") },
      },
      patch: {
        operationId: `update${name}Entry`,
        tags: [tag],
        summary: "Edit an entry",
        description: "Network, comment and expiry; `expiresAt: null` removes the expiry. A new network gets the same checks as an added one.",
        requestBody: { required: true, content: json(ref("AddressEntryUpdate")) },
        responses: {
          "200": { description: "The entry after the change.", content: json(ref("AddressEntryChange")) },
          "400": response("BadRequest"),
          ...errors,
          ...errorResponses(404, 409),
        },
      },
      delete: {
        operationId: `delete${name}Entry`,
        tags: [tag],
        summary: "Delete an entry",
        responses: { "204": { description: "Deleted." }, ...errors, "404": response("NotFound") },
      },
    },
    [`${path}/import`]: importPath({ name, tag, words, parameters, notFound }),
    [`${path}/export`]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `export${name}Entries`,
        tags: [tag],
        summary: `Export ${words} as CSV`,
        description:
          "Columns network, comment, expires_at, status, created_at, author, in network order. Cells starting with = + - @ are prefixed with an apostrophe so spreadsheets do not run them; the import undoes it.",
        responses: { "200": { description: "CSV.", content: { "text/csv": { schema: { type: "string" } } } }, "401": response("Unauthorized"), "403": response("Forbidden"), ...notFound },
      },
    },
    [`${path}/count`]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `count${name}Entries`,
        tags: [tag],
        summary: "Count the entries matching a filter",
        parameters: filterParameters,
        responses: {
          "200": { description: "The count.", content: json({ type: "object", required: ["count"], properties: { count: { type: "integer" } } }) },
          ...errors,
          ...notFound,
        },
      },
    },
    [`${path}/bulk-delete`]: {
      ...(parameters.length ? { parameters } : {}),
      post: {
        operationId: `bulkDelete${name}Entries`,
        tags: [tag],
        summary: "Delete selected entries, or every entry matching a filter",
        description: `Either \`{ ids }\` (at most ${MAX_BULK_IDS}) or \`{ filter, expectedCount }\`: the latter is refused with 409 when the filter no longer matches expectedCount entries.`,
        requestBody: { required: true, content: json(ref("AddressBulkDelete")) },
        responses: {
          "200": { description: "How many were deleted.", content: json({ type: "object", required: ["deleted"], properties: { deleted: { type: "integer" } } }) },
          "400": response("BadRequest"),
          ...errors,
          ...notFound,
          "409": response("Conflict"),
        },
      },
    },
  };
}

const tenantId = { name: "id", in: "path", required: true, schema: uuid, description: "The tenant." };

export const paths: Record<string, unknown> = {
  ...listPaths({ path: "/whitelist", name: "Whitelist", tag: "Whitelist", words: "the whitelist", parameters: [], entryParam: "id", notFound: false }),
  ...listPaths({ path: "/blocklist", name: "Blocklist", tag: "Blocklist", words: "the blocklist", parameters: [], entryParam: "id", notFound: false }),
  ...listPaths({
    path: "/tenants/{id}/restrictions",
    name: "TenantRestriction",
    tag: "Tenant IP restrictions",
    words: "a tenant's IP restrictions (the networks its phones may register from; tenant administrators reach only their own tenant)",
    parameters: [tenantId],
    entryParam: "entryId",
    notFound: true,
  }),
  "/settings/management-access": {
    get: {
      operationId: "getManagementAccess",
      tags: ["Management access"],
      summary: "The anti-lockout list",
      description: "Networks from which SSH and the PBX web interface stay reachable whatever else is configured.",
      responses: {
        "200": { description: "Every entry, in network order.", content: json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("AddressEntry") } } }) },
        ...errorResponses(401, 403),
      },
    },
    put: {
      operationId: "replaceManagementAccess",
      tags: ["Management access"],
      summary: "Replace the anti-lockout list",
      description: `The whole list (at most 10,000 entries). Unchanged networks keep their id; a network listed twice answers 422. ${NETWORK_DESCRIPTION}`,
      requestBody: { required: true, content: json(ref("ManagementAccessReplace")) },
      responses: {
        "200": {
          description: "The list after the change and what changed.",
          content: json({
            type: "object",
            required: ["items", "added", "removed", "updated"],
            properties: { items: { type: "array", items: ref("AddressEntry") }, added: { type: "integer" }, removed: { type: "integer" }, updated: { type: "integer" } },
          }),
        },
        "400": response("BadRequest"),
        ...errors,
      },
    },
  },
  "/settings/management-access/import": importPath({
    name: "ManagementAccess",
    tag: "Management access",
    words: "the anti-lockout list (at most 10,000 entries)",
    parameters: [],
    notFound: {},
  }),
  "/settings/management-access/export": {
    get: {
      operationId: "exportManagementAccess",
      tags: ["Management access"],
      summary: "Export the anti-lockout list as CSV",
      responses: { "200": { description: "CSV.", content: { "text/csv": { schema: { type: "string" } } } }, "401": response("Unauthorized"), "403": response("Forbidden") },
    },
  },
};

const commentProperty = { type: "string", maxLength: COMMENT_MAX_LENGTH, pattern: COMMENT_PATTERN.source, description: "Printable ASCII without quotes, backslash, %, $ or backtick." };

function withDescriptions(schema: JsonSchema): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  if (properties.network) properties.network = { ...properties.network, description: NETWORK_DESCRIPTION, examples: ["192.0.2.0/24"] };
  if (properties.comment) properties.comment = { ...properties.comment, ...commentProperty };
  if (properties.expiresAt) properties.expiresAt = { ...properties.expiresAt, description: "ISO 8601 instant with offset, in the future; null: never expires." };
  return { ...schema, properties };
}

export const components = {
  schemas: {
    AddressEntry: entrySchema,
    AddressEntryChange: changeResultSchema,
    AddressEntryPage: pageSchema,
    AddressEntryCreate: withDescriptions(requestSchema(entryCreateSchema)),
    AddressEntryUpdate: withDescriptions(requestSchema(entryUpdateSchema)),
    AddressImport: requestSchema(importBodySchema),
    AddressImportReport: importReportSchema,
    AddressBulkDelete: requestSchema(bulkDeleteSchema),
    ManagementAccessReplace: requestSchema(managementReplaceSchema),
  },
};
