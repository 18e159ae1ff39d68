/**
 * Nodes: the zod schemas shared by the Nodes page, its server actions, the REST API and `rampart node add`.
 * Addresses go through the strict parser (lib/net/parse) and come out as canonical text; host names are
 * RFC 1123 names in lower case. Private keys are checked with ssh2 here, so every boundary refuses a
 * passphrase-protected, public or unreadable key with the same message, before anything is stored.
 */
import { z } from "zod";

import { parseHostAddress } from "@/lib/net/parse";
import { parseClientPrivateKey } from "@/lib/ssh/keys";
import { normalizeFingerprint } from "@/lib/ssh/fingerprint";

import { nodeNameSchema, nodeTagSchema } from "./node-slug";
import { safeText } from "@/lib/validation/text";

export const MAX_NODE_TAGS = 20;
const MAX_HOSTNAME_LENGTH = 253;

/** Tags, deduplicated and sorted so that the same set is always stored the same way. */
export const nodeTagsSchema = z
  .array(nodeTagSchema, { error: "Tags must be a list." })
  .max(MAX_NODE_TAGS, `At most ${MAX_NODE_TAGS} tags.`)
  .transform((tags) => [...new Set(tags)].sort());

/** "a, b ,c" as typed in a form or on the command line → ["a", "b", "c"] (empty pieces dropped). */
export function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An address (strict parser, canonical text) or an RFC 1123 host name. Text made only of digits and dots,
 * or holding a colon, is an address attempt: "10.1" or "010.0.0.1" would be read differently by the
 * resolver, so it is refused with the parser's message instead of being taken as a name.
 */
export const nodeHostSchema = safeText({ error: "Host must be text." })
  .trim()
  .transform((text, ctx): string => {
    if (text.length === 0) {
      ctx.addIssue({ code: "custom", message: "Enter the node's address or host name.", input: text });
      return z.NEVER;
    }
    if (/^[0-9.]+$/.test(text) || text.includes(":")) {
      const parsed = parseHostAddress(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.error, input: text });
        return z.NEVER;
      }
      return parsed.value.canonical;
    }
    const name = text.toLowerCase();
    const labels = name.split(".");
    const isValid =
      name.length <= MAX_HOSTNAME_LENGTH &&
      labels.every((label) => HOSTNAME_LABEL.test(label)) &&
      // RFC 3696: a top-level label is never all digits, so "host.123" is no name.
      !/^[0-9]+$/.test(labels[labels.length - 1]!);
    if (!isValid) {
      ctx.addIssue({
        code: "custom",
        message: "Enter an IP address or a host name (letters, digits and hyphens in dot-separated labels, such as pbx1.example.net).",
        input: text,
      });
      return z.NEVER;
    }
    return name;
  });

const PORT_MESSAGE = "Port must be a whole number from 1 to 65535.";

/** A TCP port as a JSON number or as decimal text (forms and the command line send text). */
export const nodePortSchema = z
  .union([z.number({ error: PORT_MESSAGE }), safeText().trim().regex(/^\d{1,5}$/, PORT_MESSAGE).transform(Number)], { error: PORT_MESSAGE })
  .pipe(z.number().int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE));

/** The POSIX portable user name form (useradd's default NAME_REGEX), at most 32 characters. */
export const sshUserSchema = safeText({ error: "User must be text." })
  .trim()
  .min(1, "Enter the SSH user.")
  .max(32, "User name is too long: at most 32 characters.")
  .regex(/^[a-z_][a-z0-9_-]*$/, "User names use lower-case letters, digits, underscores and hyphens, and start with a letter or an underscore.");

/** One address the node itself uses for management; empty text means none. */
export const managementAddressSchema = safeText({ error: "Management address must be text." })
  .trim()
  .transform((text, ctx): string | null => {
    if (text.length === 0) return null;
    const parsed = parseHostAddress(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error, input: text });
      return z.NEVER;
    }
    return parsed.value.canonical;
  });

export const hostKeyFingerprintSchema = safeText({ error: "Host key fingerprint must be text." }).transform((text, ctx): string => {
  const normalized = normalizeFingerprint(text);
  if (normalized === null) {
    ctx.addIssue({
      code: "custom",
      message: "Enter the fingerprint as `ssh-keygen -lf` prints it: SHA256: followed by 43 characters.",
      input: text,
    });
    return z.NEVER;
  }
  return normalized;
});

export const keySources = ["paste", "upload", "generate"] as const;
export type KeySource = (typeof keySources)[number];
export const keySourceSchema = z.enum(keySources, { error: "Key source must be paste, upload or generate." });

/** A client private key as pasted or uploaded: Windows line ends become Unix ones, then ssh2 must read it. */
export const privateKeySchema = safeText({ error: "The private key must be text.", isMultiline: true })
  .transform((text, ctx): string => {
    const normalized = text.replace(/\r\n?/g, "\n").trim();
    const key = normalized.length === 0 ? "" : `${normalized}\n`;
    const parsed = parseClientPrivateKey(key);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error, input: "(private key)" });
      return z.NEVER;
    }
    return key;
  });

/** The key half of a create or a key replacement: paste and upload carry a key; generate must not. */
function checkKeySource(value: { keySource?: KeySource; privateKey?: string }, ctx: z.RefinementCtx): void {
  if (value.keySource === "generate" && value.privateKey !== undefined) {
    ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Leave out privateKey when Rampart generates the key." });
  }
  if ((value.keySource === "paste" || value.keySource === "upload") && value.privateKey === undefined) {
    ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Paste or upload a private key." });
  }
}

export const nodeCreateSchema = z
  .strictObject({
    name: nodeNameSchema,
    host: nodeHostSchema,
    port: nodePortSchema.default(22),
    user: sshUserSchema,
    tags: nodeTagsSchema.default([]),
    managementAddress: managementAddressSchema.nullish().transform((value) => value ?? null),
    hostKeyFingerprint: hostKeyFingerprintSchema,
    keySource: keySourceSchema.default("paste"),
    privateKey: privateKeySchema.optional(),
  })
  .superRefine(checkKeySource)
  // null: Rampart generates the key pair when it stores the node.
  .transform(({ privateKey, ...rest }) => ({ ...rest, privateKey: privateKey ?? null }));
export type NodeCreateInput = z.input<typeof nodeCreateSchema>;
export type NodeCreate = z.output<typeof nodeCreateSchema>;

export const nodeUpdateSchema = z
  .strictObject({
    name: nodeNameSchema.optional(),
    host: nodeHostSchema.optional(),
    port: nodePortSchema.optional(),
    user: sshUserSchema.optional(),
    tags: nodeTagsSchema.optional(),
    managementAddress: managementAddressSchema.nullable().optional(),
    enabled: z.boolean({ error: "enabled must be true or false." }).optional(),
    /** A newly confirmed host key; needed when host or port change. */
    hostKeyFingerprint: hostKeyFingerprintSchema.optional(),
    keySource: keySourceSchema.optional(),
    privateKey: privateKeySchema.optional(),
  })
  .refine((value) => Object.values(value).some((v) => v !== undefined), "Send at least one field to change.")
  .superRefine((value, ctx) => {
    if (value.privateKey !== undefined && value.keySource === undefined) {
      ctx.addIssue({ code: "custom", path: ["keySource"], message: "Say where the key comes from: keySource paste or upload." });
    }
    checkKeySource(value, ctx);
  })
  .transform(({ keySource, privateKey, managementAddress, ...rest }) => ({
    ...rest,
    // undefined: keep; null: clear (an empty text clears too).
    managementAddress: managementAddress === undefined ? undefined : (managementAddress ?? null),
    key: keySource === undefined ? undefined : { source: keySource, privateKey: privateKey ?? null },
  }));
export type NodeUpdateInput = z.input<typeof nodeUpdateSchema>;
export type NodeUpdate = z.output<typeof nodeUpdateSchema>;

export const nodeIdSchema = z.uuid({ error: "Node id must be a UUID." });

/** Where to fetch a host key from (the "Fetch host key" step). */
export const hostKeyTargetSchema = z.strictObject({ host: nodeHostSchema, port: nodePortSchema.default(22) });

// ---------------------------------------------------------------------------------------------------------
// What a connection test found on the node, as stored in nodes.tools. Read back through this schema so a
// row written by an older version shows as "not tested" instead of breaking the page.
// ---------------------------------------------------------------------------------------------------------

const firewallToolSchema = z.object({ version: z.string(), backend: z.enum(["nft", "legacy"]) }).nullable();

export const storedNodeToolsSchema = z.object({
  iptables: firewallToolSchema,
  ip6tables: firewallToolSchema,
  ipset: z.string().nullable(),
  fail2ban: z.string().nullable(),
  missing: z.array(z.string()),
  kernel: z.string(),
});
export type StoredNodeTools = z.infer<typeof storedNodeToolsSchema>;
