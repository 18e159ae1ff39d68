import { PANEL_ADDRESSES_MAX } from "@/lib/validation/panel-addresses";
import { exposureOverrideSchema, exposureSchema } from "@/lib/validation/exposure";
import { dateTime, errorResponses, json, nullable, ref, requestSchema, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/settings/exposure, /api/v1/nodes/{id}/exposure and
// /api/v1/settings/panel-addresses (merged into /api/v1/openapi.json by ./index.ts). Bodies come from the zod
// schemas of lib/validation/exposure.ts; the cross-checks against the other ports are described in words.

const TAG = "Exposure";
const READ = "Requires ADMIN, OPERATOR or VIEWER.";
const ADMIN_WRITE =
  "Requires an ADMIN token. Audited with the value before and after; a change reaches the nodes with the next ruleset deployment.";
const PORT_CHECK =
  "A management-only port (AMI, extra TCP/UDP) that is also a SIP, SSH or web port, or an extra UDP port inside the RTP range, is refused (422, per field).";

const exposure = {
  ...requestSchema(exposureSchema),
  description:
    "Who reaches which service of a node. SIP and RTP: WORLD (everyone, after the blocklist, bans, GeoIP and the SIP filters) or ALLOWED " +
    "(whitelist entries of scope ALL or SIP, tenant networks, management networks). The web UI (platform web ports): also MANAGEMENT. " +
    "SSH, AMI and the extra ports are open to the management networks and the panel only. `sshNewPerMinute` limits new SSH connections " +
    "per management source (null: no limit). `finalAction` DROP or REJECT closes every port the policy does not open; RETURN leaves the " +
    "rest to the node's own INPUT policy (no default deny).",
};

const override = {
  ...requestSchema(exposureOverrideSchema),
  description: "Any subset of the exposure policy's fields; the fields it leaves out are the cluster's. `{}` means no override.",
};

const summaryRow = {
  type: "object",
  required: ["service", "ports", "reach", "who"],
  properties: {
    service: { type: "string", examples: ["SIP"] },
    ports: { type: "string", examples: ["5060 udp/tcp"] },
    reach: { type: "string", enum: ["EVERYONE", "ALLOWED", "MANAGEMENT", "NOBODY", "NODE_POLICY"] },
    who: { type: "string", examples: ["everyone (after blocklist, bans, GeoIP, scanner and rate limits)"] },
  },
};

const nodeExposure = {
  type: "object",
  required: ["nodeId", "nodeName", "override", "overrideProblem", "effective", "summary"],
  properties: {
    nodeId: uuid,
    nodeName: { type: "string" },
    override: nullable(ref("ExposureOverride")),
    overrideProblem: { ...nullable({ type: "string" }), description: "Set when the stored override no longer parses." },
    effective: ref("ExposurePolicy"),
    summary: { type: "array", items: ref("ExposureSummaryRow") },
  },
};

const panelAddresses = {
  type: "object",
  required: ["configured", "discovered"],
  properties: {
    configured: { type: "array", items: { type: "string", examples: ["198.51.100.9"] }, description: "Canonical networks, sorted." },
    discovered: {
      type: "array",
      description: "The address each node saw the panel connect from (read-only).",
      items: {
        type: "object",
        required: ["nodeId", "nodeName", "address", "seenAt"],
        properties: { nodeId: uuid, nodeName: { type: "string" }, address: nullable({ type: "string" }), seenAt: nullable(dateTime) },
      },
    },
  },
};

const panelAddressesUpdate = {
  type: "object",
  required: ["addresses"],
  additionalProperties: false,
  properties: {
    addresses: {
      type: "array",
      maxItems: PANEL_ADDRESSES_MAX,
      items: { type: "string", maxLength: 64, examples: ["198.51.100.9"] },
      description:
        "Host addresses or networks in strict form (lib/net): stored canonical (\"192.0.2.7/32\" as \"192.0.2.7\"), duplicates merged. " +
        "/0 and over-broad networks (IPv4 shorter than /8, IPv6 shorter than /32) are refused. Field errors are keyed `addresses.<index>`.",
    },
  },
};

export const components = {
  schemas: {
    ExposurePolicy: exposure,
    ExposureOverride: override,
    ExposureSummaryRow: summaryRow,
    NodeExposure: nodeExposure,
    PanelAddresses: panelAddresses,
    PanelAddressesUpdate: panelAddressesUpdate,
  },
};

const nodeIdParameter = { name: "id", in: "path", required: true, description: "The node's id.", schema: uuid };

export const paths: Record<string, unknown> = {
  "/api/v1/settings/exposure": {
    get: {
      operationId: "getExposurePolicy",
      tags: [TAG],
      summary: "Read the cluster's exposure policy",
      description: READ,
      responses: { "200": { description: "The policy.", content: json(ref("ExposurePolicy")) }, ...errorResponses(401, 403) },
    },
    put: {
      operationId: "replaceExposurePolicy",
      tags: [TAG],
      summary: "Replace the cluster's exposure policy",
      description: `Every field is required. ${PORT_CHECK} The same check runs for every node's override laid over the new policy. ${ADMIN_WRITE}`,
      requestBody: { required: true, content: json(ref("ExposurePolicy")) },
      responses: { "200": { description: "The stored policy (port lists sorted).", content: json(ref("ExposurePolicy")) }, ...errorResponses(400, 401, 403, 422) },
    },
  },
  "/api/v1/nodes/{id}/exposure": {
    parameters: [nodeIdParameter],
    get: {
      operationId: "getNodeExposure",
      tags: [TAG],
      summary: "Read a node's exposure override, its effective policy and what it will expose",
      description: READ,
      responses: { "200": { description: "The node's exposure.", content: json(ref("NodeExposure")) }, ...errorResponses(401, 403, 404) },
    },
    put: {
      operationId: "replaceNodeExposureOverride",
      tags: [TAG],
      summary: "Set a node's exposure override",
      description: `Replaces the override whole; \`{}\` clears it. ${PORT_CHECK} ${ADMIN_WRITE}`,
      requestBody: { required: true, content: json(ref("ExposureOverride")) },
      responses: { "200": { description: "The node's exposure after the change.", content: json(ref("NodeExposure")) }, ...errorResponses(400, 401, 403, 404, 422) },
    },
    delete: {
      operationId: "clearNodeExposureOverride",
      tags: [TAG],
      summary: "Clear a node's exposure override",
      description: `The node follows the cluster's policy again. ${ADMIN_WRITE}`,
      responses: { "204": { description: "Cleared (or there was none)." }, ...errorResponses(401, 403, 404) },
    },
  },
  "/api/v1/settings/panel-addresses": {
    get: {
      operationId: "getPanelAddresses",
      tags: [TAG],
      summary: "Read the panel's addresses",
      description: `The configured addresses the panel connects to nodes from, and what each node saw. Both are accepted on every management port and ignored by every jail. ${READ}`,
      responses: { "200": { description: "The addresses.", content: json(ref("PanelAddresses")) }, ...errorResponses(401, 403) },
    },
    put: {
      operationId: "replacePanelAddresses",
      tags: [TAG],
      summary: "Replace the configured panel addresses",
      description: ADMIN_WRITE,
      requestBody: { required: true, content: json(ref("PanelAddressesUpdate")) },
      responses: { "200": { description: "The stored addresses.", content: json(ref("PanelAddresses")) }, ...errorResponses(400, 401, 403, 422) },
    },
  },
};
