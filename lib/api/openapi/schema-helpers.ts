import { z } from "zod";

// Building blocks every area's OpenAPI module uses: request bodies from the zod schemas the routes parse with,
// $refs into the shared components, and the common string formats.

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what a client sends, without the `$schema` key (OpenAPI 3.1 gives the dialect). */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
export const json = (schema: unknown) => ({ "application/json": { schema } });
export const nullable = (schema: JsonSchema) => ({ anyOf: [schema, { type: "null" }] });
export const dateTime = { type: "string", format: "date-time" };
export const uuid = { type: "string", format: "uuid" };

const ERROR_RESPONSES = { 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 422: "ValidationFailed" } as const;

/** `responses` entries for these error statuses, each a $ref to the shared response of that status. */
export function errorResponses(...statuses: (keyof typeof ERROR_RESPONSES)[]): Record<string, { $ref: string }> {
  return Object.fromEntries(statuses.map((status) => [String(status), response(ERROR_RESPONSES[status])]));
}
