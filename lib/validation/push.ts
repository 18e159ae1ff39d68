/**
 * A push request: which nodes, which version, and how carefully. Shared by the push dialog, POST
 * /api/v1/pushes, `rampart push` and lib/deploy/batch.ts (startPush).
 */
import { z } from "zod";

import { nodeNameSchema, nodeTagSchema } from "./node-slug";
import { safeText } from "@/lib/validation/text";

export const PUSH_LIMITS = {
  concurrency: { min: 1, max: 32, default: 4 },
  failureThreshold: { min: 0, max: 1000, default: 1 },
  timerSeconds: { min: 10, max: 600, default: 60 },
} as const;

const MAX_PUSH_NODES = 1000;

function boundedInt(what: string, limits: { min: number; max: number }) {
  const message = `${what} must be a whole number from ${limits.min} to ${limits.max}.`;
  return z.number({ error: message }).int(message).min(limits.min, message).max(limits.max, message);
}

export const pushTargetSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("all") }),
    z.strictObject({
      kind: z.literal("nodes"),
      names: z
        .array(nodeNameSchema, { error: "names must be a list of node names." })
        .min(1, "Choose at least one node.")
        .max(MAX_PUSH_NODES, `At most ${MAX_PUSH_NODES} nodes.`)
        .transform((names) => [...new Set(names)]),
    }),
    z.strictObject({ kind: z.literal("tag"), tag: nodeTagSchema }),
  ],
  { error: 'target.kind must be "all", "nodes" or "tag".' },
);

export const pushRequestSchema = z.strictObject({
  target: pushTargetSchema,
  /** A ruleset version hash (64 hex characters); omitted: the current policy. */
  version: safeText({ error: "version must be text." })
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, "version is a ruleset hash: 64 hexadecimal characters.")
    .optional(),
  canary: z.boolean({ error: "canary must be true or false." }).default(true),
  concurrency: boundedInt("Concurrency", PUSH_LIMITS.concurrency).default(PUSH_LIMITS.concurrency.default),
  failureThreshold: boundedInt("Failure threshold", PUSH_LIMITS.failureThreshold).default(PUSH_LIMITS.failureThreshold.default),
  timerSeconds: boundedInt("Rollback timer", PUSH_LIMITS.timerSeconds).default(PUSH_LIMITS.timerSeconds.default),
});
export type PushRequestInput = z.input<typeof pushRequestSchema>;
export type PushRequest = z.output<typeof pushRequestSchema>;

export const batchIdSchema = z.uuid({ error: "Push id must be a UUID." });

/**
 * A repair of one node: re-apply the version it last confirmed. Shared by the Repair button, POST
 * /api/v1/nodes/{id}/repair, `rampart nodes repair` and lib/deploy/repair.ts. `force` re-applies a node that
 * is not reported drifted (harmless: the same version again).
 */
export const repairRequestSchema = z.strictObject({
  force: z.boolean({ error: "force must be true or false." }).default(false),
  timerSeconds: boundedInt("Rollback timer", PUSH_LIMITS.timerSeconds).default(PUSH_LIMITS.timerSeconds.default),
});
export type RepairRequestInput = z.input<typeof repairRequestSchema>;
