import { AUTO_WHITELIST_TTL, autoWhitelistSettingsSchema } from "@/lib/validation/settings";
import { errorResponses, json, ref, requestSchema, type JsonSchema } from "./schema-helpers";

// OpenAPI 3.1 description of /api/v1/settings/auto-whitelist: the auto-whitelist of registered phones.

const DESCRIPTION =
  "While on, every address a phone registers from successfully becomes a SIP-scoped whitelist entry (source AUTO_REGISTRATION): " +
  "SIP and RTP only, still behind the blocklist, GeoIP, bans and scanner rules; exempt from the SIP rate limits and never banned " +
  "by the VoIP jail. It never opens SSH or any other port. Each entry expires ttlSeconds after the registration that renewed it " +
  "last and is renewed while the phone keeps registering; a person's whitelist entry covering the address is left alone. " +
  "The entries reach the nodes with the next push.";

const viewSchema: JsonSchema = {
  type: "object",
  required: ["isEnabled", "ttlSeconds", "scope", "activeEntries"],
  properties: {
    isEnabled: { type: "boolean" },
    ttlSeconds: { type: "integer", minimum: AUTO_WHITELIST_TTL.min, maximum: AUTO_WHITELIST_TTL.max, description: "Life of an entry after the last successful registration." },
    scope: { type: "string", const: "SIP", description: "What the entries trust: always SIP." },
    activeEntries: { type: "integer", description: "Auto-whitelist entries in force now." },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/settings/auto-whitelist": {
    get: {
      operationId: "getAutoWhitelistSettings",
      tags: ["Whitelist"],
      summary: "Auto-whitelist of registered phones",
      description: `${DESCRIPTION} Any role that may read the policy (OPERATOR, VIEWER, ADMIN).`,
      responses: { "200": { description: "The setting.", content: json(ref("AutoWhitelistSettings")) }, ...errorResponses(401, 403) },
    },
    put: {
      operationId: "updateAutoWhitelistSettings",
      tags: ["Whitelist"],
      summary: "Switch the auto-whitelist of registered phones, or set its time to live",
      description: `${DESCRIPTION} Send isEnabled, ttlSeconds (${AUTO_WHITELIST_TTL.min} to ${AUTO_WHITELIST_TTL.max}, 60 s to 30 days) or both. Requires an ADMIN token; audited.`,
      requestBody: { required: true, content: json(ref("AutoWhitelistSettingsUpdate")) },
      responses: {
        "200": { description: "The setting after the change.", content: json(ref("AutoWhitelistSettings")) },
        ...errorResponses(400, 401, 403, 422),
      },
    },
  },
};

export const components = {
  schemas: {
    AutoWhitelistSettings: viewSchema,
    AutoWhitelistSettingsUpdate: requestSchema(autoWhitelistSettingsSchema),
  },
};
