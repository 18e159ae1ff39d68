import { dateTime, errorResponses, json, nullable, ref, uuid } from "./schema-helpers";

// OpenAPI 3.1 description of GET /api/v1/spend (merged into /api/v1/openapi.json by ./index.ts): spend against the
// call-cost limits, as the call guard counts it. Amounts are exact decimal strings, never JSON numbers.

const amount = { type: "string", pattern: "^[0-9]+\\.[0-9]{4}$", description: "Exact amount with 4 decimals, e.g. \"12.3400\"." };
const limit = { type: "string", pattern: "^[0-9]+(\\.[0-9]{1,4})?$", description: "The limit as stored, e.g. \"25\" or \"12.5\"." };
const percent = {
  type: "string",
  pattern: "^[0-9]+\\.[0-9]{2}$",
  description: "Percent of the limit used, two decimals rounded down (\"79.99\" until 80 % is reached); may exceed 100.",
};

export const components = {
  schemas: {
    ExtensionSpend: {
      type: "object",
      required: ["extension", "today", "dailyLimit", "dailyPercent", "currency"],
      properties: {
        extension: { type: "string", description: "The calling extension (PJSIP endpoint) as the call guard saw it." },
        today: amount,
        dailyLimit: nullable({ ...limit, description: "null: no daily limit (listed because it spent today)." }),
        dailyPercent: nullable({ ...percent, description: "null without a limit or with a limit of 0." }),
        currency: { type: "string", pattern: "^[A-Z]{3}$" },
      },
    },
    TenantSpend: {
      type: "object",
      required: ["tenantId", "tenantName", "accountCode", "currency", "today", "month", "dailyLimit", "monthlyLimit", "dailyPercent", "monthlyPercent", "extensions", "days"],
      properties: {
        tenantId: uuid,
        tenantName: { type: "string" },
        accountCode: { type: "string", description: "The tenant's Asterisk account code: its calls are the records with it." },
        currency: { type: "string", pattern: "^[A-Z]{3}$", description: "The currency of the tenant's limits (else of its priced calls)." },
        today: { ...amount, description: "Spend today (UTC)." },
        month: { ...amount, description: "Spend this month (UTC)." },
        dailyLimit: nullable(limit),
        monthlyLimit: nullable(limit),
        dailyPercent: nullable(percent),
        monthlyPercent: nullable(percent),
        extensions: { type: "array", items: ref("ExtensionSpend"), description: "Extensions with a daily limit or with spend today." },
        days: {
          type: "array",
          description: "Every day of this month up to today, oldest first (0.0000 where nothing was spent).",
          items: { type: "object", required: ["day", "amount"], properties: { day: { type: "string", format: "date" }, amount } },
        },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  "/api/v1/spend": {
    get: {
      operationId: "getSpend",
      tags: ["Calls"],
      summary: "Spend against the call-cost limits",
      description:
        "Spend today and this month per tenant (by its account code) and today per extension, each beside its limit, plus the " +
        "tenant's spend per day of this month. Spend is the sum of the exact costs of the calls the call guard allowed, on every " +
        "node; days and months are UTC. Tenants without an account code have no spend and are only counted. Requires " +
        "tenants:read; a TENANT_ADMIN sees only their own tenant (another tenant's id answers 404), and no tenant when theirs " +
        "has no account code. An unknown query parameter is refused (422).",
      parameters: [{ name: "tenantId", in: "query", required: false, description: "Only this tenant.", schema: uuid }],
      responses: {
        "200": {
          description: "The spend as of the response's `at`.",
          content: json({
            type: "object",
            required: ["at", "day", "month", "tenants", "tenantsWithoutAccountCode"],
            properties: {
              at: dateTime,
              day: { type: "string", format: "date", description: "Today (UTC)." },
              month: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$", description: "This month (UTC)." },
              tenants: { type: "array", items: ref("TenantSpend") },
              tenantsWithoutAccountCode: { type: "integer", minimum: 0 },
            },
          }),
        },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  },
};
