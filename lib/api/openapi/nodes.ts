import { DeploymentState } from "@/lib/generated/prisma/enums";
import { nodeCreateSchema, nodeUpdateSchema } from "@/lib/validation/node";
import { pushRequestSchema, repairRequestSchema } from "@/lib/validation/push";
import { dateTime, errorResponses, json, nullable, ref, requestSchema, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/nodes and /api/v1/pushes (merged into /api/v1/openapi.json by
// ./index.ts). Request bodies come from the same zod schemas the routes parse with. No response ever holds a
// private key: nodes carry their public key only.

const hash = { type: "string", pattern: "^[0-9a-f]{64}$", description: "SHA-256 of the ruleset version." };
const fingerprint = { type: "string", pattern: "^SHA256:[A-Za-z0-9+/]{43}$", description: "OpenSSH SHA256 fingerprint, as `ssh-keygen -lf` prints it." };
const deploymentState = {
  type: "string",
  enum: Object.values(DeploymentState),
};
const firewallTool = nullable({
  type: "object",
  required: ["version", "backend"],
  properties: { version: { type: "string" }, backend: { type: "string", enum: ["nft", "legacy"] } },
});

const nodeCreateBody = requestSchema(nodeCreateSchema);
const nodeUpdateBody = { ...requestSchema(nodeUpdateSchema), minProperties: 1 };

const nodeIdParameter = { name: "id", in: "path", required: true, description: "The node's id.", schema: uuid };

export const components = {
  schemas: {
    NodeTools: {
      type: "object",
      description: "What the last connection test found on the node.",
      required: ["iptables", "ip6tables", "ipset", "fail2ban", "missing", "kernel"],
      properties: {
        iptables: firewallTool,
        ip6tables: firewallTool,
        ipset: nullable({ type: "string" }),
        fail2ban: nullable({ type: "string" }),
        missing: { type: "array", items: { type: "string" }, description: "Tools a push needs that the node lacks." },
        kernel: { type: "string" },
      },
    },
    NodeDeployment: {
      type: "object",
      required: ["id", "batchId", "state", "progress", "message", "rulesetHash", "canary", "createdAt", "finishedAt"],
      properties: {
        id: uuid,
        batchId: uuid,
        state: deploymentState,
        progress: { type: "integer", minimum: 0, maximum: 100 },
        message: { type: "string" },
        rulesetHash: hash,
        canary: { type: "boolean" },
        createdAt: dateTime,
        finishedAt: nullable(dateTime),
      },
    },
    Node: {
      type: "object",
      required: [
        "id", "name", "host", "port", "user", "tags", "managementAddress", "enabled", "publicKey", "hasPrivateKey", "hostKeyFingerprint",
        "hostKeyAlert", "tools", "lastTestedAt", "running", "lastDeployment", "createdAt", "updatedAt",
      ],
      properties: {
        id: uuid,
        name: { type: "string" },
        host: { type: "string", description: "Canonical IP address or lower-case host name." },
        port: { type: "integer", minimum: 1, maximum: 65535 },
        user: { type: "string" },
        tags: { type: "array", items: { type: "string" } },
        managementAddress: nullable({ type: "string" }),
        enabled: { type: "boolean", description: "Disabled nodes are left out of every push." },
        publicKey: nullable({ type: "string", description: "The authorized_keys line of the stored key." }),
        hasPrivateKey: { type: "boolean" },
        hostKeyFingerprint: nullable(fingerprint),
        hostKeyAlert: nullable({
          type: "object",
          description: "A connection met another host key: every command to the node stops until the key is re-pinned.",
          required: ["fingerprint", "at"],
          properties: { fingerprint, at: dateTime },
        }),
        tools: nullable(ref("NodeTools")),
        lastTestedAt: nullable(dateTime),
        running: nullable({ type: "object", required: ["hash", "confirmedAt"], properties: { hash, confirmedAt: dateTime } }),
        lastDeployment: nullable(ref("NodeDeployment")),
        createdAt: dateTime,
        updatedAt: dateTime,
      },
    },
    NodeDetail: {
      allOf: [
        ref("Node"),
        { type: "object", required: ["deployments"], properties: { deployments: { type: "array", items: ref("NodeDeployment"), maxItems: 50 } } },
      ],
    },
    ConnectionTest: {
      type: "object",
      required: ["ok", "message"],
      properties: {
        ok: { type: "boolean" },
        stage: { type: "string", enum: ["connect", "handshake", "command", "upload", "setup"], description: "Where a failed test stopped." },
        message: { type: "string" },
        tools: ref("NodeTools"),
      },
    },
    PushBatch: {
      type: "object",
      required: ["batchId", "createdAt", "requestedBy", "finished", "deployments"],
      properties: {
        batchId: uuid,
        createdAt: dateTime,
        requestedBy: { type: "string" },
        finished: { type: "boolean", description: "Every node reached a final state." },
        deployments: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "nodeId", "nodeName", "state", "progress", "message", "canary", "rulesetHash", "rollbackAt", "startedAt", "finishedAt"],
            properties: {
              id: uuid,
              nodeId: uuid,
              nodeName: { type: "string" },
              state: deploymentState,
              progress: { type: "integer", minimum: 0, maximum: 100 },
              message: { type: "string" },
              canary: { type: "boolean" },
              rulesetHash: hash,
              rollbackAt: nullable({ ...dateTime, description: "When the node restores its previous rules by itself unless confirmed." }),
              startedAt: nullable(dateTime),
              finishedAt: nullable(dateTime),
            },
          },
        },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/nodes": {
    get: {
      operationId: "listNodes",
      tags: ["Nodes"],
      summary: "List nodes",
      description: "Every node in name order, with its running version, last push, host-key alert and tools. One page: `nextCursor` is always null.",
      responses: {
        "200": {
          description: "The nodes.",
          content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: ref("Node") }, nextCursor: { type: "null" } } }),
        },
        ...errorResponses(401, 403),
      },
    },
    post: {
      operationId: "createNode",
      tags: ["Nodes"],
      summary: "Add a node",
      description:
        "Adds a node. Rampart fetches the host key from `host`:`port` and refuses (422 on `hostKeyFingerprint`) unless it equals " +
        "`hostKeyFingerprint`; an unreachable node is a 422 on `host`. `keySource` paste or upload sends `privateKey` (an unencrypted " +
        "OpenSSH or PEM key); generate makes an ed25519 pair whose public key is in the answer. The private key is stored encrypted " +
        "and never returned. Requires an ADMIN token.",
      requestBody: { required: true, content: json(nodeCreateBody) },
      responses: {
        "201": { description: "The node.", content: json(ref("NodeDetail")) },
        ...errorResponses(400, 401, 403, 409, 422),
      },
    },
  },
  "/api/v1/nodes/{id}": {
    parameters: [nodeIdParameter],
    get: {
      operationId: "getNode",
      tags: ["Nodes"],
      summary: "Get a node",
      description: "The node with its last 50 deployments.",
      responses: {
        "200": { description: "The node.", content: json(ref("NodeDetail")) },
        ...errorResponses(401, 403, 404),
      },
    },
    patch: {
      operationId: "updateNode",
      tags: ["Nodes"],
      summary: "Change a node",
      description:
        "Partial change. A new host or port needs `hostKeyFingerprint` too; a given fingerprint is checked against the node at the " +
        "resulting address and re-pins it (clearing a host-key alert). `keySource` with `privateKey` (or generate) replaces the key.",
      requestBody: { required: true, content: json(nodeUpdateBody) },
      responses: {
        "200": { description: "The node after the change.", content: json(ref("NodeDetail")) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    },
    delete: {
      operationId: "deleteNode",
      tags: ["Nodes"],
      summary: "Delete a node",
      description: "Deletes the node, its key and its history. Refused (409) while a push to it runs. The rules on the node stay.",
      responses: {
        "204": { description: "Deleted." },
        ...errorResponses(401, 403, 404, 409),
      },
    },
  },
  "/api/v1/nodes/{id}/test": {
    parameters: [nodeIdParameter],
    post: {
      operationId: "testNodeConnection",
      tags: ["Nodes"],
      summary: "Test the connection to a node",
      description:
        "Connects with the pinned host key, authenticates and reports the node's tools (iptables backend nft or legacy, ipset, " +
        "fail2ban). A failed test is a 200 with `ok: false` and the stage that failed. Requires an ADMIN or OPERATOR token.",
      responses: {
        "200": { description: "The outcome.", content: json(ref("ConnectionTest")) },
        ...errorResponses(401, 403, 404),
      },
    },
  },
  "/api/v1/nodes/{id}/repair": {
    parameters: [nodeIdParameter],
    post: {
      operationId: "repairNode",
      tags: ["Nodes"],
      summary: "Repair a drifted node",
      description:
        "Re-applies the version the node last confirmed (its latest confirmed deployment, else the stored version the collector " +
        "last saw it run): a push of that stored version with the usual validation, rollback timer and confirmation. Refused " +
        "(409) when the node has no such version, is disabled, or is not reported drifted, unless `force` is true. The body may " +
        "be left out. Answers at once; follow it with GET /api/v1/pushes/{batchId}. Requires an ADMIN or OPERATOR token.",
      requestBody: { required: false, content: json(requestSchema(repairRequestSchema)) },
      responses: {
        "202": { description: "Started.", content: json({ type: "object", required: ["batchId"], properties: { batchId: uuid } }) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    },
  },
  "/api/v1/pushes": {
    post: {
      operationId: "startPush",
      tags: ["Pushes"],
      summary: "Push a ruleset",
      description:
        "Starts a push to all enabled nodes, named nodes or the nodes with a tag, of the current policy or of an earlier `version` " +
        "(a rollback). Answers at once; follow it with GET /api/v1/pushes/{batchId}. Requires an ADMIN or OPERATOR token.",
      requestBody: { required: true, content: json(requestSchema(pushRequestSchema)) },
      responses: {
        "202": { description: "Started.", content: json({ type: "object", required: ["batchId"], properties: { batchId: uuid } }) },
        ...errorResponses(400, 401, 403, 409, 422),
      },
    },
  },
  "/api/v1/rulesets/current": {
    get: {
      operationId: "getCurrentRuleset",
      tags: ["Nodes"],
      summary: "The current policy rendered for a node",
      description:
        "Without `file`: the version hash, the manifest and the artefact names of the current policy rendered for `node` (default: " +
        "the cluster). With `file`: that artefact as a download.",
      parameters: [
        { name: "node", in: "query", required: false, description: "A node's name; the cluster when absent.", schema: { type: "string", minLength: 1, maxLength: 200 } },
        { name: "file", in: "query", required: false, description: "An artefact name from `files`.", schema: { type: "string", minLength: 1, maxLength: 200 } },
      ],
      responses: {
        "200": {
          description: "The version and its files, or one artefact.",
          content: {
            ...json({ type: "object", required: ["node", "hash", "files", "manifest"], properties: { node: { type: "string" }, hash, files: { type: "array", items: { type: "string" } }, manifest: { type: "object" } } }),
            "text/plain": { schema: { type: "string" } },
          },
        },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  },
  "/api/v1/pushes/{batchId}": {
    parameters: [{ name: "batchId", in: "path", required: true, description: "The push's id.", schema: uuid }],
    get: {
      operationId: "getPush",
      tags: ["Pushes"],
      summary: "Follow a push",
      description: "Every node of the push with its state and progress; `finished` once all reached a final state.",
      responses: {
        "200": { description: "The push.", content: json(ref("PushBatch")) },
        ...errorResponses(401, 403, 404),
      },
    },
  },
};
