import { z } from "zod";

/** Port numbers as every policy setting takes them (lib/validation/policy.ts re-exports these). */
export const PORT_LIMITS = { min: 1, max: 65_535, maxPortsPerList: 16 } as const;

export const portSchema = z
  .number({ error: "Port must be a number." })
  .int("Port must be a whole number.")
  .min(PORT_LIMITS.min, `Port must be ${PORT_LIMITS.min} to ${PORT_LIMITS.max}.`)
  .max(PORT_LIMITS.max, `Port must be ${PORT_LIMITS.min} to ${PORT_LIMITS.max}.`);
