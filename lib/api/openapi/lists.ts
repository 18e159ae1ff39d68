import { COMMENT_MAX_LENGTH, COMMENT_PATTERN, TRUST_SCOPES } from "@/lib/validation/policy";
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
  SCOPE_ALL_ADMIN_MESSAGE,
  TRUST_SCOPE_INFO,
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

const SCOPE_DESCRIPTION =
  "Whitelist entries only (other lists refuse it with 422): what the entry trusts. " +
  TRUST_SCOPES.map((scope) => `${scope}: ${TRUST_SCOPE_INFO[scope].description}`).join(" ") +
  ` ALL entries are written (created, changed, deleted, imported) by ADMIN only; an OPERATOR gets 403 (“${SCOPE_ALL_ADMIN_MESSAGE}”).`;

const scopeProperty = { type: "string", enum: [...TRUST_SCOPES], description: SCOPE_DESCRIPTION };

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
    scope: nullable({ ...scopeProperty, description: "Whitelist entries: what the entry trusts (see AddressEntryCreate.scope); null on the other lists." }),
    tenantId: nullable(uuid),
    pendingReason: nullable({
      type: "string",
      description:
        "Tenant networks only: why a tenant administrator's network waits for an administrator's approval (it overlaps another tenant's network in force, or is over-broad); until approved it is rendered nowhere and grants no ban visibility. null: in force.",
      examples: ["overlaps ACME's 198.51.100.0/24"],
    }),
    expiresAt: nullable(dateTime),
    author: { type: "string", description: "E-mail of the user or name of the token that wrote the entry." },
    createdAt: dateTime,
    updatedAt: dateTime,
    isExpired: { type: "boolean", description: "Expired entries stay listed but no longer count (coverage, conflicts, rendering)." },
    coveredBy: nullable({ type: "string", description: "A wider active entry of the same list covering this one." }),
    conflictWith: nullable({
      type: "string",
      description:
        "An active entry of the other list overlapping this one where the whitelist wins at render time: only ALL-scoped whitelist entries do (SIP and NO_BAN trust comes after the blocklist).",
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
    pending: {
      type: "integer",
      description:
        "Tenant networks only: lines a tenant administrator stored that overlap another tenant's network in force, or are over-broad. They are stored waiting for an administrator's approval (counted in accepted) and have no effect until then.",
    },
    notices: {
      type: "array",
      items: { type: "string" },
      description: "What the caller should know although the lines were stored, e.g. an administrator's lines overlapping other tenants' networks.",
    },
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

/** The whitelist's lists and counts also filter by scope. */
const scopeFilterParameter = { name: "scope", in: "query", schema: { type: "string", enum: [...TRUST_SCOPES] }, description: "Whitelist: only entries of this scope." };

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
  /** The whitelist: entries have a trust scope. */
  hasScope?: boolean;
}

/** The bulk import of one list: the same operation for the three lists and the management access list. */
function importPath({
  name,
  tag,
  words,
  parameters,
  notFound,
  hasScope = false,
}: Pick<ListDoc, "name" | "tag" | "words" | "hasScope"> & { parameters: unknown[]; notFound: Record<string, unknown> }): Record<string, unknown> {
  return {
    ...(parameters.length ? { parameters } : {}),
    post: {
      operationId: `import${name}Entries`,
      tags: [tag],
      summary: `Bulk import into ${words}`,
      description:
        "Plain text (one address or network per line, optional `# comment`; blank and `#` lines skipped) or CSV `network,comment,expiry` " +
        "(optional header; RFC 4180 quoting). Send the file as text/plain or text/csv with the options as query parameters, or JSON. " +
        "Every good line is stored; every other line is reported with its line number and reason (duplicates, entries already on the list, covered entries, invalid input)." +
        (hasScope
          ? " Whitelist: `scope` gives the lines their trust scope (default ALL, which only ADMIN may import: an OPERATOR sends SIP or NO_BAN, or gets 403); a CSV with a header may carry a `scope` column per line (as the export writes it), which wins over the parameter, and its ALL lines are rejected for an OPERATOR."
          : ""),
      parameters: [
        ...(hasScope ? [{ name: "scope", in: "query", schema: { type: "string", enum: [...TRUST_SCOPES], default: "ALL" }, description: "Trust scope of lines without their own." }] : []),
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
  const hasScope = doc.hasScope === true;
  const notFound = doc.notFound ? { "404": response("NotFound") } : {};
  const listParameters = hasScope ? [...pageParameters, scopeFilterParameter] : pageParameters;
  const countParameters = hasScope ? [...filterParameters, scopeFilterParameter] : filterParameters;
  const entryParameters = [...parameters, { name: entryParam, in: "path", required: true, schema: uuid }];
  return {
    [path]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `list${name}Entries`,
        tags: [tag],
        summary: `List ${words}`,
        description: "One keyset page, newest first or by network; with `covers`, the entries covering an address. Each entry says whether it is expired, covered by a wider entry, or in conflict with the other list.",
        parameters: listParameters,
        responses: { "200": { description: "A page.", content: json(ref("AddressEntryPage")) }, ...errors, ...notFound },
      },
      post: {
        operationId: `create${name}Entry`,
        tags: [tag],
        summary: `Add an entry to ${words}`,
        description:
          `${NETWORK_DESCRIPTION} An exact duplicate answers 409; so does an entry already covered by a wider active entry of the same list, unless \`allowCovered: true\`.` +
          (hasScope ? " `scope` defaults to ALL, which only ADMIN may write (403 otherwise); a wider entry covers a new one only if it trusts at least as much." : ""),
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
        description:
          "Network, comment and expiry; `expiresAt: null` removes the expiry. A new network gets the same checks as an added one." +
          (hasScope ? " Whitelist: also `scope`; an entry that is or becomes ALL is changed (and deleted) by ADMIN only (403 otherwise)." : ""),
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
    [`${path}/import`]: importPath({ name, tag, words, parameters, notFound, hasScope }),
    [`${path}/export`]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `export${name}Entries`,
        tags: [tag],
        summary: `Export ${words} as CSV`,
        description:
          `Columns network, comment, expires_at, status, created_at, author${hasScope ? ", scope" : ""}, in network order. Cells starting with = + - @ are prefixed with an apostrophe so spreadsheets do not run them; the import undoes it.` +
          (hasScope ? " The import reads the scope column back, so the file re-imports with each entry's scope." : ""),
        responses: { "200": { description: "CSV.", content: { "text/csv": { schema: { type: "string" } } } }, "401": response("Unauthorized"), "403": response("Forbidden"), ...notFound },
      },
    },
    [`${path}/count`]: {
      ...(parameters.length ? { parameters } : {}),
      get: {
        operationId: `count${name}Entries`,
        tags: [tag],
        summary: "Count the entries matching a filter",
        parameters: countParameters,
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
        description:
          `Either \`{ ids }\` (at most ${MAX_BULK_IDS}) or \`{ filter, expectedCount }\`: the latter is refused with 409 when the filter no longer matches expectedCount entries.` +
          (hasScope ? " Whitelist: a selection holding ALL entries is refused as a whole with 403 for a non-administrator (filter by scope to leave them out)." : ""),
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
  ...listPaths({ path: "/whitelist", name: "Whitelist", tag: "Whitelist", words: "the whitelist", parameters: [], entryParam: "id", notFound: false, hasScope: true }),
  ...listPaths({ path: "/blocklist", name: "Blocklist", tag: "Blocklist", words: "the blocklist", parameters: [], entryParam: "id", notFound: false }),
  ...listPaths({
    path: "/tenants/{id}/restrictions",
    name: "TenantRestriction",
    tag: "Tenant IP restrictions",
    words: "a tenant's IP restrictions (its allowed networks; tenant administrators reach only their own tenant)",
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
  if (properties.scope) properties.scope = scopeProperty;
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
