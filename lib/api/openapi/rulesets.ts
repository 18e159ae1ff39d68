import { DIFF_LINE_LIMIT, VERSION_PAGE_LIMITS } from "@/lib/validation/ruleset-versions";
import { dateTime, errorResponses, json, nullable, ref } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/rulesets/versions (merged into /api/v1/openapi.json by ./index.ts). The
// current-ruleset route is described with the pushes in ./nodes.ts.

const READERS = "Requires ADMIN, OPERATOR or VIEWER (the Rulesets page's readers).";
const hash = { type: "string", pattern: "^[0-9a-f]{64}$", description: "SHA-256 of the version's artefacts (the manifest aside)." };
const hashParameter = {
  name: "hash",
  in: "path",
  required: true,
  description: "The version's hash, or a unique prefix of it of at least 8 characters (any letter case).",
  schema: { type: "string", pattern: "^[0-9A-Fa-f]{8,64}$" },
};
const changeCount = {
  type: "object",
  required: ["path", "addedCount", "removedCount"],
  properties: { path: { type: "string", examples: ["iptables.rules"] }, addedCount: { type: "integer", minimum: 0 }, removedCount: { type: "integer", minimum: 0 } },
};
const versionRef = {
  type: "object",
  required: ["hash", "shortHash", "createdAt", "author"],
  properties: { hash, shortHash: { type: "string", pattern: "^[0-9a-f]{12}$" }, createdAt: dateTime, author: { type: "string" } },
};

const versionItemProperties = {
  ...versionRef.properties,
  author: { type: "string", description: "Who stored it: the user's e-mail, `token:<name>` or `cli:<os user>` of the push that rendered it." },
  previousHash: nullable({ ...hash, description: "The version stored just before this one; null for the first." }),
  changes: { type: "array", description: "Added and removed lines per changed artefact against the previous version.", items: changeCount },
  summary: { type: "string", description: "The changes in one line.", examples: ["iptables.rules +3 −1, ipset.restore +120"] },
  runningOn: { type: "array", description: "Nodes whose latest confirmed deployment is this version.", items: { type: "string" } },
};
const versionItemRequired = ["hash", "shortHash", "createdAt", "author", "previousHash", "changes", "summary", "runningOn"];

export const components = {
  schemas: {
    RulesetVersion: { type: "object", required: versionItemRequired, properties: versionItemProperties },
    RulesetVersionDetail: {
      type: "object",
      required: [...versionItemRequired, "files"],
      properties: {
        ...versionItemProperties,
        files: {
          type: "array",
          description: "Every artefact with its size in bytes and non-empty lines.",
          items: {
            type: "object",
            required: ["path", "bytes", "lines"],
            properties: { path: { type: "string" }, bytes: { type: "integer", minimum: 0 }, lines: { type: "integer", minimum: 0 } },
          },
        },
      },
    },
    RulesetVersionDiff: {
      type: "object",
      required: ["from", "to", "files", "addedCount", "removedCount", "lineLimit"],
      properties: {
        from: versionRef,
        to: versionRef,
        files: {
          type: "array",
          description:
            "The changed artefacts (the manifest aside), in path order. Lines are compared as multisets: a moved line is no change. " +
            "At most `lineLimit` added and removed lines are listed per artefact; the counts are complete.",
          items: {
            type: "object",
            required: ["path", "added", "removed", "addedCount", "removedCount", "isTruncated"],
            properties: {
              ...changeCount.properties,
              added: { type: "array", items: { type: "string" } },
              removed: { type: "array", items: { type: "string" } },
              isTruncated: { type: "boolean", description: "More lines changed than are listed." },
            },
          },
        },
        addedCount: { type: "integer", minimum: 0 },
        removedCount: { type: "integer", minimum: 0 },
        lineLimit: { type: "integer", examples: [DIFF_LINE_LIMIT] },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/rulesets/versions": {
    get: {
      operationId: "listRulesetVersions",
      tags: ["Rulesets"],
      summary: "The stored ruleset versions",
      description:
        "Every version a push stored, newest first, each with a one-line summary of its changes against the version stored just " +
        `before it and the nodes running it now. An unknown query parameter is refused (422). ${READERS}`,
      parameters: [
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: VERSION_PAGE_LIMITS.max, default: VERSION_PAGE_LIMITS.default } },
        { name: "cursor", in: "query", required: false, description: "The `nextCursor` (older) or `prevCursor` (newer) of a page, unchanged.", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "One page of versions.",
          content: json({
            type: "object",
            required: ["items", "nextCursor", "prevCursor"],
            properties: {
              items: { type: "array", items: ref("RulesetVersion") },
              nextCursor: nullable({ type: "string", description: "Older versions." }),
              prevCursor: nullable({ type: "string", description: "Newer versions; null on the first page." }),
            },
          }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
  },
  "/api/v1/rulesets/versions/{hash}": {
    parameters: [hashParameter],
    get: {
      operationId: "getRulesetVersion",
      tags: ["Rulesets"],
      summary: "One stored ruleset version",
      description: `The version with its change summary, the nodes running it and its artefacts' sizes. A prefix matching several versions is a 422. ${READERS}`,
      responses: {
        "200": { description: "The version.", content: json(ref("RulesetVersionDetail")) },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  },
  "/api/v1/rulesets/versions/{hash}/diff": {
    parameters: [hashParameter],
    get: {
      operationId: "diffRulesetVersions",
      tags: ["Rulesets"],
      summary: "Compare two stored ruleset versions",
      description: `The lines version {hash} adds and removes against version \`against\`, per artefact. ${READERS}`,
      parameters: [
        { name: "against", in: "query", required: true, description: "The version to compare with: a hash or a unique prefix of at least 8.", schema: { type: "string", pattern: "^[0-9A-Fa-f]{8,64}$" } },
      ],
      responses: {
        "200": { description: "The changes from `against` to {hash}.", content: json(ref("RulesetVersionDiff")) },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  },
};
