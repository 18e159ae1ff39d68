import type { z } from "zod";

/** One line per problem, "field: message", for terminal output. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("\n");
}
