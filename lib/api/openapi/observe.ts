import { banListQuerySchema, unbanRequestSchema } from "@/lib/validation/bans";
import { notificationSettingsSchema } from "@/lib/validation/notifications";
import { dateTime, errorResponses, json, nullable, ref, requestSchema, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/bans, /api/v1/bans/unban, /api/v1/status and /api/v1/settings/notifications
// (merged into /api/v1/openapi.json by ./index.ts). Query parameters and request bodies come from the zod schemas
// the routes parse with. The SMTP password is write-only: no response schema has it.

/** One line per query parameter of banListQuerySchema (a new parameter fails the type check until described). */
const banQueryDescriptions: Record<keyof typeof banListQuerySchema.shape, string> = {
  q: "An address (its bans) or a network (every banned address inside it), IPv4 or IPv6.",
  country: "Two-letter ISO country code, any case.",
  jail: "fail2ban jail name.",
  node: "Only bans on this node (its id).",
  sort: "Latest ban first, last seen first, or by address.",
  cursor: "`nextCursor` or `prevCursor` of a previous answer with the same sort, unchanged. A bad one answers 422.",
  limit: "Addresses per page.",
};

const banQueryProperties = requestSchema(banListQuerySchema).properties as Record<string, Record<string, unknown>>;
const banQueryParameters = Object.entries(banQueryDescriptions).map(([name, description]) => ({
  name,
  in: "query",
  required: false,
  description,
  schema: banQueryProperties[name] ?? { type: "string" },
}));

const unbanBody = {
  ...requestSchema(unbanRequestSchema),
  description:
    "`addresses`: addresses or networks (not /0), duplicates folded; only single addresses reach the nodes (fail2ban bans " +
    "addresses, so a network is reported in `notBanned`). `nodeIds`: \"all\" (every enabled node, and a disabled one the collector " +
    "last saw holding the address) or node ids. `jail`: only this jail (default every Rampart jail). `then`: whitelist (unban, then add a whitelist entry; `expiresAt` allowed) " +
    "or block (add a blocklist entry only: the ban stays until the blocklist is pushed).",
};

const notificationBody = {
  ...requestSchema(notificationSettingsSchema),
  description:
    "Every field required. `smtpPassword` is `{ \"action\": \"keep\" }`, `{ \"action\": \"set\", \"value\": \"…\" }` or " +
    "`{ \"action\": \"clear\" }`: it is stored encrypted and never returned. Turning notifications on needs the server, the sender " +
    "and at least one recipient; a user name needs a password.",
};

const banNode = { type: "object", required: ["id", "name"], properties: { id: uuid, name: { type: "string" } } };

export const components = {
  schemas: {
    BannedAddress: {
      type: "object",
      required: ["address", "family", "country", "jails", "nodes", "firstSeenAt", "lastSeenAt", "bannedAt", "expiresAt", "priorBanCount"],
      properties: {
        address: { type: "string", description: "Canonical text." },
        family: { type: "integer", enum: [4, 6] },
        country: nullable({ type: "string", pattern: "^[A-Z]{2}$" }),
        jails: { type: "array", items: { type: "string" } },
        nodes: { type: "array", items: banNode, description: "The nodes holding a current ban of the address." },
        firstSeenAt: dateTime,
        lastSeenAt: dateTime,
        bannedAt: { ...dateTime, description: "The latest start among its current bans." },
        expiresAt: nullable({ ...dateTime, description: "When the last of its current bans ends; null while any is permanent." }),
        priorBanCount: { type: "integer", minimum: 0, description: "Earlier bans of the address that have ended." },
      },
    },
    UnbanResult: {
      type: "object",
      required: ["unbans", "nodes", "lists", "notBanned"],
      properties: {
        unbans: {
          type: "array",
          description:
            "One row per address, node and jail that held a ban: whether the node re-read its jail and ban set and no longer holds the " +
            "address. For a node that could not be reached, the bans the collector last saw there, `isUnbanned: false`.",
          items: {
            type: "object",
            required: ["address", "nodeId", "nodeName", "jail", "isUnbanned", "message"],
            properties: {
              address: { type: "string" },
              nodeId: uuid,
              nodeName: { type: "string" },
              jail: { type: "string" },
              isUnbanned: { type: "boolean" },
              message: { type: "string", description: "What the node answered, or why it could not be asked (unreachable, no key…)." },
            },
          },
        },
        nodes: {
          type: "array",
          description: "One row per address and chosen node: what the node's live state was and is now.",
          items: {
            type: "object",
            required: ["address", "nodeId", "nodeName", "outcome", "jails", "message"],
            properties: {
              address: { type: "string" },
              nodeId: uuid,
              nodeName: { type: "string" },
              outcome: {
                type: "string",
                enum: ["unbanned", "not-banned", "still-banned", "unconfirmed", "unreachable"],
                description:
                  "unbanned: it was banned (in fail2ban or a ban set) and is no longer; not-banned: the node held no ban of it; still-banned: " +
                  "the node still holds it; unconfirmed: the node refused or did not answer for a jail; unreachable: the node could not be asked.",
              },
              jails: {
                type: "array",
                items: { type: "string" },
                description: "unbanned: the jails it was lifted from; still-banned, unconfirmed: the jails concerned; unreachable: the jails the collector last saw.",
              },
              message: { type: "string" },
            },
          },
        },
        lists: {
          type: "array",
          description: "The whitelist or blocklist entries of `then`, per address.",
          items: {
            type: "object",
            required: ["address", "list", "isAdded", "message"],
            properties: {
              address: { type: "string" },
              list: { type: "string", enum: ["whitelist", "blocklist"] },
              isAdded: { type: "boolean", description: "false: already listed or covered (the message says which)." },
              message: { type: "string" },
            },
          },
        },
        notBanned: { type: "array", items: { type: "string" }, description:
            "Requested addresses with nothing to lift: every chosen node that answered held no ban of it and the collector saw none " +
            "on a node that could not be reached (see `nodes`), and networks.",
        },
      },
    },
    NodeHealth: {
      type: "object",
      required: [
        "nodeId", "name", "host", "isEnabled", "isReachable", "lastPollAt", "lastError", "lastReachableAt", "ageSeconds", "runningVersion",
        "isDrifted", "driftMessage", "bootRestore", "isFail2banUp", "currentBans", "hasHostKeyAlert",
      ],
      properties: {
        nodeId: uuid,
        name: { type: "string" },
        host: { type: "string" },
        isEnabled: { type: "boolean" },
        isReachable: nullable({ type: "boolean", description: "The latest poll reached the node; null: never polled." }),
        lastPollAt: nullable(dateTime),
        lastError: nullable({ type: "string" }),
        lastReachableAt: nullable(dateTime),
        ageSeconds: nullable({ type: "integer", minimum: 0, description: "Age of the figures: seconds since the last poll that answered." }),
        runningVersion: nullable({ type: "string", description: "SHA-256 of the ruleset the node runs." }),
        isDrifted: nullable({ type: "boolean", description: "Rampart's chains or sets differ from what was confirmed; null: nothing to compare." }),
        driftMessage: nullable({
          type: "string",
          description: "The drift in words, e.g. \"Running state does not match confirmed version 1a2b3c4d5e6f: Rampart's chains are not loaded (...)\"; null: not recorded.",
        }),
        bootRestore: nullable({
          type: "string",
          enum: ["unit", "hook", "none"],
          description: "What restores the confirmed version at the node's next boot: a systemd unit, an ifupdown hook, or nothing; null: unknown.",
        }),
        isFail2banUp: nullable({ type: "boolean" }),
        currentBans: nullable({ type: "integer", minimum: 0, description: "Bans the node's jails held at the last poll that answered." }),
        hasHostKeyAlert: { type: "boolean", description: "Every connection stops until an administrator re-pins the host key." },
      },
    },
    NotificationSettings: {
      type: "object",
      required: [
        "enabled", "smtpHost", "smtpPort", "smtpTlsMode", "smtpUser", "hasPassword", "fromAddress", "recipients", "digestWindowSeconds",
        "lastDigestAt", "updatedAt",
      ],
      properties: {
        enabled: { type: "boolean" },
        smtpHost: { type: "string" },
        smtpPort: { type: "integer", minimum: 1, maximum: 65535 },
        smtpTlsMode: { type: "string", enum: ["NONE", "STARTTLS", "TLS"] },
        smtpUser: { type: "string" },
        hasPassword: { type: "boolean", description: "A password is stored. The password itself is never returned." },
        fromAddress: { type: "string" },
        recipients: { type: "array", items: { type: "string", format: "email" } },
        digestWindowSeconds: { type: "integer", description: "At most one digest per window." },
        lastDigestAt: nullable(dateTime),
        updatedAt: dateTime,
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/bans": {
    get: {
      operationId: "listBans",
      tags: ["Bans"],
      summary: "List current bans",
      description:
        "Currently banned addresses, one row per address with its jails and nodes, as on the Bans page. Filters combine with AND; " +
        "an unknown query parameter is a 422. A TENANT_ADMIN token sees only addresses inside its tenant's restrictions.",
      parameters: banQueryParameters,
      responses: {
        "200": {
          description: "One page of addresses.",
          content: json({
            type: "object",
            required: ["items", "nextCursor", "prevCursor"],
            properties: { items: { type: "array", items: ref("BannedAddress") }, nextCursor: nullable({ type: "string" }), prevCursor: nullable({ type: "string" }) },
          }),
        },
        ...errorResponses(401, 403, 422),
      },
    },
  },
  "/api/v1/bans/unban": {
    post: {
      operationId: "unbanAddresses",
      tags: ["Bans"],
      summary: "Unban addresses",
      description:
        "Acts on each node's live state, not on the collector's last view: every chosen node is asked over SSH to lift each address " +
        "from every Rampart jail (or `jail`) and its ban set, so a ban newer than the last poll or placed straight into a set is " +
        "lifted too, and each node confirms it. Bans a node confirms lifted are closed and audited. A node that cannot be reached is " +
        "reported for that node (`nodes` outcome `unreachable`), not an error. `then` whitelist or block also needs " +
        "ADMIN or OPERATOR. A TENANT_ADMIN token may unban only addresses inside its tenant's restrictions; any other address is a 404 " +
        "(\"No current ban of … within your tenant's networks\") and nothing is done. Requires ADMIN, OPERATOR or TENANT_ADMIN.",
      requestBody: { required: true, content: json(unbanBody) },
      responses: {
        "200": { description: "What each node did.", content: json(ref("UnbanResult")) },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    },
  },
  "/api/v1/status": {
    get: {
      operationId: "getClusterStatus",
      tags: ["Status"],
      summary: "Cluster status",
      description:
        "Every node's health by name, as `rampart status --json` prints it: reachability, age of the data, running version, drift, " +
        "current bans. One page: `nextCursor` is always null. Requires ADMIN, OPERATOR or VIEWER.",
      responses: {
        "200": {
          description: "The nodes' health.",
          content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: ref("NodeHealth") }, nextCursor: { type: "null" } } }),
        },
        ...errorResponses(401, 403),
      },
    },
  },
  "/api/v1/settings/notifications": {
    get: {
      operationId: "getNotificationSettings",
      tags: ["Notifications"],
      summary: "Read the e-mail notification settings",
      description: "The SMTP server, sender, recipients and digest window. The password is never returned: `hasPassword` says whether one is stored. Requires an ADMIN token.",
      responses: {
        "200": { description: "The settings.", content: json(ref("NotificationSettings")) },
        ...errorResponses(401, 403),
      },
    },
    put: {
      operationId: "replaceNotificationSettings",
      tags: ["Notifications"],
      summary: "Replace the e-mail notification settings",
      description: "Replaces every field, audited (the password as set or not set). Requires an ADMIN token.",
      requestBody: { required: true, content: json(notificationBody) },
      responses: {
        "200": { description: "The settings after the change.", content: json(ref("NotificationSettings")) },
        ...errorResponses(400, 401, 403, 422),
      },
    },
  },
};
