/**
 * The security policy snapshot: what the ruleset compiler (lib/rules) consumes, re-validated on the way in, and
 * the pieces (address entries, comments, signatures, e-mail addresses, ports) that forms, actions, the API and
 * the CLI reuse so every boundary accepts exactly the same text.
 *
 * Two entry points with identical verdicts (a property test holds them together):
 * - `policySnapshotSchema`: plain zod, for boundaries that handle a policy as a whole (import/export).
 * - `parsePolicySnapshot`: the compiler's path. Address lists can hold millions of entries; zod's per-object
 *   overhead there measured 2.0 s per million entries against 0.8 s for a direct loop over the same checks, and
 *   the loop hands the parsed networks on, so the compiler never parses an address twice.
 *
 * Why the allow-lists are this narrow: every free-text value that survives validation is written into
 * `ipset restore`, `iptables-restore` or fail2ban input by lib/rules. Those formats have their own quoting,
 * comment and interpolation rules (`"`, `\`, `#`, `%(x)s`, `$(...)`, line breaks, section headers), so rather
 * than escaping for each of them, text that could mean anything to any of them is refused here, with a message,
 * and never altered.
 */
import { z } from "zod";

import { parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { callGuardPolicySchema } from "@/lib/validation/call-guard";
import { safeText } from "@/lib/validation/text";

import { exposureOverrideSchema, exposureSchema } from "./exposure";
import { PORT_LIMITS, portSchema } from "./ports";

// ---------------------------------------------------------------------------------------------------------
// Limits, exported so forms can show them
// ---------------------------------------------------------------------------------------------------------

/** 2: whitelist entries carry a trust scope; the exposure policy; no fail2ban mail action. */
export const POLICY_SNAPSHOT_VERSION = 2;

/**
 * What a whitelist entry trusts (prisma enum TrustScope). ALL: every port, ahead of the blocklist, in every
 * jail's ignoreip. SIP: SIP and RTP only, after the blocklist, bans, GeoIP and scanner signatures, exempt from
 * the SIP rate limits and in the VoIP jail's ignoreip. NO_BAN: only in the VoIP jail's ignoreip.
 */
export const TRUST_SCOPES = ["ALL", "SIP", "NO_BAN"] as const;
export type TrustScope = (typeof TRUST_SCOPES)[number];

export const COMMENT_MAX_LENGTH = 200;

export const LIST_LIMITS = {
  whitelist: 1_000_000,
  blocklist: 5_000_000,
  management: 10_000,
  /** Per tenant. */
  tenantRestrictions: 100_000,
  tenants: 10_000,
  scannerSignatures: 500,
  countries: 300,
  /** Per-node extra management addresses. */
  nodeManagementAddresses: 64,
} as const;

export const SIGNATURE_LIMITS = { minLength: 4, maxLength: 64 } as const;

export { PORT_LIMITS, portSchema };

export const RATE_LIMIT_RANGES = {
  packetsPerSecond: { min: 1, max: 10_000 },
  burst: { min: 1, max: 100_000 },
  /**
   * xt_recent --hitcount. Kernels since 2017 accept up to 65535; older ones refuse anything above the module's
   * ip_pkt_list_tot (default 20), so nodes on old kernels need `options xt_recent ip_pkt_list_tot=...`.
   */
  registerHits: { min: 1, max: 1_000 },
  registerWindowSeconds: { min: 1, max: 3_600 },
  inviteHits: { min: 1, max: 1_000 },
  inviteWindowSeconds: { min: 1, max: 3_600 },
  rtpPort: { min: 1_024, max: 65_535 },
} as const;

export const FAIL2BAN_RANGES = {
  maxRetry: { min: 1, max: 100 },
  findTimeSeconds: { min: 1, max: 604_800 },
  /** No permanent bans for first offences: a NAT'd customer with one mistyped password must recover alone. */
  banTimeSeconds: { min: 60, max: 31_536_000 },
  recidiveMaxRetry: { min: 1, max: 100 },
  /** fail2ban.log is usually rotated weekly; recidive only sees the current file. */
  recidiveFindTimeSeconds: { min: 60, max: 2_592_000 },
  /** -1 (fail2ban's "permanent") is allowed for repeat offenders only. */
  recidiveBanTimeSeconds: { min: 60, max: 31_536_000, permanent: -1 },
} as const;

export const GEOIP_MODES = ["OFF", "FULL_SERVER", "WEB_ONLY"] as const;
export const SIP_TRANSPORTS = ["UDP", "TCP", "TLS"] as const;

export type GeoIpMode = (typeof GEOIP_MODES)[number];
export type SipTransport = (typeof SIP_TRANSPORTS)[number];

// ---------------------------------------------------------------------------------------------------------
// Field checks shared by the zod schemas and the fast path (each returns an error message or null)
// ---------------------------------------------------------------------------------------------------------

/**
 * Printable ASCII without `"` `'` `\` `%` `$` and backtick: no quote can be closed, no escape, fail2ban
 * interpolation (`%(x)s`) or shell expansion (`$(...)`, backticks) formed, and no line break.
 */
export const COMMENT_PATTERN = /^[\x20\x21\x23\x26\x28-\x5B\x5D-\x5F\x61-\x7E]*$/;

export function checkComment(text: unknown): string | null {
  if (typeof text !== "string") return "Comment must be text.";
  if (text.length > COMMENT_MAX_LENGTH) return `Comment is too long: at most ${COMMENT_MAX_LENGTH} characters.`;
  if (!COMMENT_PATTERN.test(text)) {
    return "Comment may contain printable ASCII only, without quotes, backslash, %, $, backtick or line breaks.";
  }
  return null;
}

/**
 * Literal SIP text (usually a User-Agent) searched for by the kernel's string match. Letters, digits, space and
 * `. _ - / ( ) + :` only; starts with a letter or digit and does not end with a space, so it reads the same in
 * iptables-restore input, in `iptables -S` output and in the panel.
 */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._\-/()+:]*[A-Za-z0-9._\-/()+:]$/;

/**
 * Ordinary SIP requests. A signature found in them would drop every caller (string match is case-sensitive,
 * so the check is too): "SIP/2.0", "REGISTER sip:", "User-Agent:" and the like are refused.
 */
const ORDINARY_SIP_TEXT = [
  "REGISTER sip:example.com SIP/2.0",
  "INVITE sip:bob@example.com SIP/2.0",
  "OPTIONS sip:example.com SIP/2.0",
  "ACK sip:bob@example.com SIP/2.0",
  "BYE sip:bob@example.com SIP/2.0",
  "CANCEL sip:bob@example.com SIP/2.0",
  "SUBSCRIBE sip:bob@example.com SIP/2.0",
  "NOTIFY sip:bob@example.com SIP/2.0",
  "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
  "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
  "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK776asdhds",
  "Max-Forwards: 70",
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  "To: <sip:alice@example.com>",
  "Call-ID: a84b4c76e66710@pc33.example.com",
  "CSeq: 1 REGISTER",
  "CSeq: 2 INVITE",
  "Contact: <sip:alice@192.0.2.10:5060;transport=udp>",
  "Expires: 3600",
  "User-Agent: ",
  "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, PRACK, UPDATE",
  "Supported: replaces, timer, path",
  'Authorization: Digest username="alice", realm="asterisk", nonce="1234", uri="sip:example.com", response="abcd", algorithm=MD5',
  "Content-Type: application/sdp",
  "Content-Length: 0",
  "v=0 o=- 0 0 IN IP4 192.0.2.10 s=- c=IN IP4 192.0.2.10 t=0 0 m=audio 10000 RTP/AVP 0 8 101 a=rtpmap:0 PCMU/8000",
].join("\n");

export function checkSignature(text: unknown): string | null {
  if (typeof text !== "string") return "Signature must be text.";
  if (text.length < SIGNATURE_LIMITS.minLength || text.length > SIGNATURE_LIMITS.maxLength) {
    return `Signature must be ${SIGNATURE_LIMITS.minLength} to ${SIGNATURE_LIMITS.maxLength} characters long.`;
  }
  if (!SIGNATURE_PATTERN.test(text)) {
    return "Signature may contain letters, digits, spaces and . _ - / ( ) + : only, must start with a letter or digit and must not end with a space.";
  }
  if (ORDINARY_SIP_TEXT.includes(text)) {
    return "This signature appears in ordinary SIP requests and would drop every caller; use text specific to the scanner.";
  }
  return null;
}

/**
 * Strict e-mail for fail2ban's mail action, which hands it to `sendmail -f "<sender>" "<dest>"` and a header:
 * dot-atom local part of letters, digits and `_ + -` (no leading "-", which sendmail would read as an option),
 * a domain of LDH labels and an alphabetic top-level label. No quotes, spaces, `%`, commas or line breaks.
 */
export const EMAIL_PATTERN =
  /^(?!-)[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function checkEmail(text: unknown): string | null {
  if (typeof text !== "string") return "E-mail must be text.";
  if (text.length > 254) return "E-mail is too long: at most 254 characters.";
  const at = text.indexOf("@");
  if (at > 64) return "The part before @ is too long: at most 64 characters.";
  if (!EMAIL_PATTERN.test(text)) {
    return "Enter a plain e-mail address such as ops@example.com (letters, digits and . _ + - before the @).";
  }
  return null;
}

const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** ISO 8601 instant with an explicit offset ("2025-01-31T12:00:00.000Z"), as Date#toISOString writes it. */
export function checkInstant(text: unknown): string | null {
  if (typeof text !== "string") return "Expiry must be an ISO 8601 date-time.";
  const m = INSTANT_PATTERN.exec(text);
  if (m === null) return "Expiry must be an ISO 8601 date-time with offset, e.g. 2025-01-31T12:00:00.000Z.";
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = m.map(Number);
  const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
  if (
    (month ?? 0) < 1 ||
    (month ?? 0) > 12 ||
    (day ?? 0) < 1 ||
    (day ?? 0) > daysInMonth ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59 ||
    (offsetHour !== undefined && !Number.isNaN(offsetHour) && offsetHour > 23) ||
    (offsetMinute !== undefined && !Number.isNaN(offsetMinute) && offsetMinute > 59)
  ) {
    return "Expiry is not a valid date-time.";
  }
  return null;
}

export type NetworkCheck = { ok: true; value: ParsedNetwork } | { ok: false; error: string };

/**
 * A network as stored: lib/net's canonical text exactly (PostgreSQL inet output), re-parsed here so nothing that
 * bypassed lib/net on its way into the database reaches a rule. /0 is refused: `hash:net` sets cannot hold it,
 * and a rule matching every address belongs in the node's own INPUT policy, not in a list.
 */
export function checkNetworkText(text: unknown): NetworkCheck {
  if (typeof text !== "string") return { ok: false, error: "Network must be text." };
  const parsed = parseNetwork(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.canonical !== text) {
    return { ok: false, error: `Network must be in canonical form: ${parsed.value.canonical}.` };
  }
  if (parsed.value.prefixLength === 0) {
    return { ok: false, error: "A /0 network matches every address and cannot be stored in an address list." };
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------
// zod schemas
// ---------------------------------------------------------------------------------------------------------

function fromCheck<T>(check: (value: T) => string | null) {
  return (value: T, ctx: z.RefinementCtx) => {
    const error = check(value);
    if (error !== null) ctx.addIssue({ code: "custom", message: error });
  };
}

export const networkTextSchema = safeText({ error: "Network must be text." }).superRefine((value, ctx) => {
  const result = checkNetworkText(value);
  if (!result.ok) ctx.addIssue({ code: "custom", message: result.error });
});

export const commentSchema = safeText({ error: "Comment must be text." }).superRefine(fromCheck(checkComment));
export const signaturePatternSchema = safeText({ error: "Signature must be text." }).superRefine(fromCheck(checkSignature));
export const notifyEmailSchema = safeText({ error: "E-mail must be text." }).superRefine(fromCheck(checkEmail));
export const instantSchema = safeText({ error: "Expiry must be text." }).superRefine(fromCheck(checkInstant));

/** One whitelist / blocklist / management / tenant-restriction entry. */
export const addressEntrySchema = z.strictObject({
  network: networkTextSchema,
  comment: commentSchema,
  expiresAt: instantSchema.nullish(),
  /** Whitelist entries only; absent means ALL. */
  scope: z.enum(TRUST_SCOPES, { error: "Scope must be ALL, SIP or NO_BAN." }).optional(),
});
export type AddressEntry = z.output<typeof addressEntrySchema>;


function uniqueList<T extends z.ZodType>(item: T, what: string, max: number, min = 0) {
  return z
    .array(item)
    .min(min, min === 1 ? `At least one ${what} is required.` : `At least ${min} ${what}s are required.`)
    .max(max, `At most ${max} ${what}s.`)
    .superRefine((values, ctx) => {
      const seen = new Set<unknown>();
      values.forEach((value, index) => {
        if (seen.has(value)) ctx.addIssue({ code: "custom", message: `Duplicate ${what}: ${String(value)}.`, path: [index] });
        seen.add(value);
      });
    });
}

export const portListSchema = uniqueList(portSchema, "port", PORT_LIMITS.maxPortsPerList, 1);

const intIn = (range: { min: number; max: number }, what: string) =>
  z
    .number({ error: `${what} must be a number.` })
    .int(`${what} must be a whole number.`)
    .min(range.min, `${what} must be ${range.min} to ${range.max}.`)
    .max(range.max, `${what} must be ${range.min} to ${range.max}.`);

export const countryCodeSchema = safeText({ error: "Country must be text." })
  .regex(/^[A-Z]{2}$/, "Country must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE.");

export const geoIpSchema = z
  .strictObject({
    mode: z.enum(GEOIP_MODES, { error: "GeoIP mode must be OFF, FULL_SERVER or WEB_ONLY." }),
    countries: uniqueList(countryCodeSchema, "country", LIST_LIMITS.countries),
  })
  .superRefine((value, ctx) => {
    if (value.mode !== "OFF" && value.countries.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: "Choose at least one allowed country, or switch the GeoIP filter off.",
        path: ["countries"],
      });
    }
  });

export const scannerSignatureSchema = z.strictObject({
  pattern: signaturePatternSchema,
  enabled: z.boolean({ error: "Enabled must be true or false." }),
});

export const rateLimitSchema = z
  .strictObject({
    enabled: z.boolean(),
    packetsPerSecond: intIn(RATE_LIMIT_RANGES.packetsPerSecond, "Packets per second"),
    burst: intIn(RATE_LIMIT_RANGES.burst, "Burst"),
    registerHits: intIn(RATE_LIMIT_RANGES.registerHits, "REGISTER hits"),
    registerWindowSeconds: intIn(RATE_LIMIT_RANGES.registerWindowSeconds, "REGISTER window"),
    inviteHits: intIn(RATE_LIMIT_RANGES.inviteHits, "INVITE hits"),
    inviteWindowSeconds: intIn(RATE_LIMIT_RANGES.inviteWindowSeconds, "INVITE window"),
    sipPorts: portListSchema,
    transports: uniqueList(z.enum(SIP_TRANSPORTS, { error: "Transport must be UDP, TCP or TLS." }), "transport", 3, 1),
    rtpPortMin: intIn(RATE_LIMIT_RANGES.rtpPort, "RTP port"),
    rtpPortMax: intIn(RATE_LIMIT_RANGES.rtpPort, "RTP port"),
  })
  .superRefine((value, ctx) => {
    if (value.rtpPortMin > value.rtpPortMax) {
      ctx.addIssue({ code: "custom", message: "The RTP range must start at or below its end.", path: ["rtpPortMax"] });
    }
  });

const recidiveBanTimeSchema = z
  .number({ error: "Ban time must be a number." })
  .int("Ban time must be a whole number of seconds.")
  .refine(
    (v) =>
      v === FAIL2BAN_RANGES.recidiveBanTimeSeconds.permanent ||
      (v >= FAIL2BAN_RANGES.recidiveBanTimeSeconds.min && v <= FAIL2BAN_RANGES.recidiveBanTimeSeconds.max),
    `Repeat-offender ban time must be ${FAIL2BAN_RANGES.recidiveBanTimeSeconds.min} to ${FAIL2BAN_RANGES.recidiveBanTimeSeconds.max} seconds, or -1 for permanent.`,
  );

export const fail2banSchema = z
  .strictObject({
    voipJailEnabled: z.boolean(),
    webJailEnabled: z.boolean(),
    maxRetry: intIn(FAIL2BAN_RANGES.maxRetry, "Max retry"),
    findTimeSeconds: intIn(FAIL2BAN_RANGES.findTimeSeconds, "Find time"),
    banTimeSeconds: intIn(FAIL2BAN_RANGES.banTimeSeconds, "Ban time"),
    recidive: z.strictObject({
      enabled: z.boolean(),
      maxRetry: intIn(FAIL2BAN_RANGES.recidiveMaxRetry, "Repeat-offender max retry"),
      findTimeSeconds: intIn(FAIL2BAN_RANGES.recidiveFindTimeSeconds, "Repeat-offender find time"),
      banTimeSeconds: recidiveBanTimeSchema,
    }),
  })
  .superRefine((value, ctx) => {
    const { recidive } = value;
    if (recidive.enabled && recidive.banTimeSeconds !== -1 && recidive.banTimeSeconds <= value.banTimeSeconds) {
      ctx.addIssue({
        code: "custom",
        message: "Repeat offenders must be banned longer than first offenders.",
        path: ["recidive", "banTimeSeconds"],
      });
    }
  });

export const platformSchema = z.strictObject({ sshPorts: portListSchema, webPorts: portListSchema });

/** Tenant names are never rendered into configuration; they are bounded and free of control characters. */
export const tenantNameSchema = safeText({ error: "Tenant name must be text." })
  .min(1, "Tenant name is required.")
  .max(200, "Tenant name is too long.")
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "Tenant name must not contain control or invisible characters.");

function addressListSchema(max: number) {
  return z.array(addressEntrySchema).max(max, `At most ${max} entries.`);
}

const tenantHeaderShape = {
  id: z.uuid({ error: "Tenant id must be a UUID." }),
  name: tenantNameSchema,
  autoWhitelistRestrictions: z.boolean(),
};

export const tenantSchema = z.strictObject({
  ...tenantHeaderShape,
  restrictions: addressListSchema(LIST_LIMITS.tenantRestrictions),
});

const settingsShape = {
  version: z.literal(POLICY_SNAPSHOT_VERSION, { error: `Policy snapshot version must be ${POLICY_SNAPSHOT_VERSION}.` }),
  scannerSignatures: z
    .array(scannerSignatureSchema)
    .max(LIST_LIMITS.scannerSignatures, `At most ${LIST_LIMITS.scannerSignatures} signatures.`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value.pattern)) ctx.addIssue({ code: "custom", message: "Duplicate signature.", path: [index, "pattern"] });
        seen.add(value.pattern);
      });
    }),
  geoip: geoIpSchema,
  rateLimit: rateLimitSchema,
  fail2ban: fail2banSchema,
  platform: platformSchema,
  exposure: exposureSchema,
  /** The call guard's policy (lib/guard/render.ts); absent in versions made before the guard: those leave a node's guard as it is. */
  callGuard: callGuardPolicySchema.optional(),
};

function checkUniqueTenantIds(tenants: readonly { id: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  tenants.forEach((tenant, index) => {
    if (seen.has(tenant.id)) ctx.addIssue({ code: "custom", message: "Duplicate tenant id.", path: ["tenants", index, "id"] });
    seen.add(tenant.id);
  });
}

/** The whole snapshot in plain zod (see parsePolicySnapshot for the compiler's equivalent fast path). */
export const policySnapshotSchema = z
  .strictObject({
    ...settingsShape,
    whitelist: addressListSchema(LIST_LIMITS.whitelist),
    blocklist: addressListSchema(LIST_LIMITS.blocklist),
    management: addressListSchema(LIST_LIMITS.management),
    tenants: z.array(tenantSchema).max(LIST_LIMITS.tenants, `At most ${LIST_LIMITS.tenants} tenants.`),
  })
  .superRefine((value, ctx) => checkUniqueTenantIds(value.tenants, ctx));

export type PolicySnapshot = z.output<typeof policySnapshotSchema>;
export type TenantPolicy = z.output<typeof tenantSchema>;
export type RateLimitPolicy = z.output<typeof rateLimitSchema>;
export type Fail2banPolicy = z.output<typeof fail2banSchema>;
export type GeoIpPolicy = z.output<typeof geoIpSchema>;
export type PlatformPolicy = z.output<typeof platformSchema>;

// ---------------------------------------------------------------------------------------------------------
// The compiler's fast path
// ---------------------------------------------------------------------------------------------------------

export interface PolicyIssue {
  path: (string | number)[];
  message: string;
}

/** The validated snapshot and, index for index with each list, the parsed networks. */
export interface ParsedPolicy {
  snapshot: PolicySnapshot;
  networks: {
    whitelist: readonly ParsedNetwork[];
    blocklist: readonly ParsedNetwork[];
    management: readonly ParsedNetwork[];
    /** Same order as snapshot.tenants. */
    tenantRestrictions: readonly (readonly ParsedNetwork[])[];
  };
}

export type PolicyParseResult = { ok: true; value: ParsedPolicy } | { ok: false; issues: PolicyIssue[] };

/** Issues beyond this are counted, not listed: a corrupt million-entry list must not build a million messages. */
const MAX_ISSUES = 100;

const settingsSchema = z.strictObject(settingsShape);
const tenantHeaderSchema = z.strictObject(tenantHeaderShape);

class IssueSink {
  readonly issues: PolicyIssue[] = [];
  dropped = 0;
  add(path: (string | number)[], message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
    else this.dropped++;
  }
  addZod(prefix: (string | number)[], error: z.ZodError): void {
    for (const issue of error.issues) {
      this.add([...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], issue.message);
    }
  }
  result(): PolicyIssue[] {
    if (this.dropped > 0) this.issues.push({ path: [], message: `${this.dropped} further problems not listed.` });
    return this.issues;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates one address list with the same checks as addressEntrySchema, building fresh entries. */
function parseAddressList(
  value: unknown,
  path: (string | number)[],
  max: number,
  sink: IssueSink,
): { entries: AddressEntry[]; networks: ParsedNetwork[] } {
  const entries: AddressEntry[] = [];
  const networks: ParsedNetwork[] = [];
  if (!Array.isArray(value)) {
    sink.add(path, "Expected a list of address entries.");
    return { entries, networks };
  }
  if (value.length > max) sink.add(path, `At most ${max} entries.`);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isPlainObject(item)) {
      sink.add([...path, i], "Expected an address entry.");
      continue;
    }
    for (const key in item) {
      if (key !== "network" && key !== "comment" && key !== "expiresAt" && key !== "scope") sink.add([...path, i], `Unrecognized key: "${key}".`);
    }
    const network = checkNetworkText(item.network);
    if (!network.ok) sink.add([...path, i, "network"], network.error);
    const commentError = checkComment(item.comment);
    if (commentError !== null) sink.add([...path, i, "comment"], commentError);
    const expiresAt = item.expiresAt;
    const instantError = expiresAt === undefined || expiresAt === null ? null : checkInstant(expiresAt);
    if (instantError !== null) sink.add([...path, i, "expiresAt"], instantError);
    const scope = item.scope;
    const scopeError = scope === undefined || (TRUST_SCOPES as readonly unknown[]).includes(scope) ? null : "Scope must be ALL, SIP or NO_BAN.";
    if (scopeError !== null) sink.add([...path, i, "scope"], scopeError);
    if (network.ok && commentError === null && instantError === null && scopeError === null) {
      // Fresh objects with only known keys: what the compiler sees cannot carry anything unvalidated.
      const entry: AddressEntry = { network: network.value.canonical, comment: item.comment as string };
      if (expiresAt !== undefined) entry.expiresAt = expiresAt as string | null;
      if (scope !== undefined) entry.scope = scope as TrustScope;
      entries.push(entry);
      networks.push(network.value);
    }
  }
  return { entries, networks };
}

/**
 * Validates a policy snapshot exactly as policySnapshotSchema does (same checks, same verdicts), returning the
 * parsed networks alongside; deterministic and allocation-light on the address lists.
 */
export function parsePolicySnapshot(input: unknown): PolicyParseResult {
  const sink = new IssueSink();
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: [], message: "Expected a policy snapshot object." }] };
  const { whitelist, blocklist, management, tenants, ...settingsInput } = input;

  const settings = settingsSchema.safeParse(settingsInput);
  if (!settings.success) sink.addZod([], settings.error);
  for (const [key, value] of [["whitelist", whitelist], ["blocklist", blocklist], ["management", management], ["tenants", tenants]] as const) {
    if (value === undefined) sink.add([key], "Required.");
  }

  const wl = parseAddressList(whitelist, ["whitelist"], LIST_LIMITS.whitelist, sink);
  const bl = parseAddressList(blocklist, ["blocklist"], LIST_LIMITS.blocklist, sink);
  const mg = parseAddressList(management, ["management"], LIST_LIMITS.management, sink);

  const tenantOut: TenantPolicy[] = [];
  const tenantNetworks: ParsedNetwork[][] = [];
  if (tenants !== undefined && !Array.isArray(tenants)) sink.add(["tenants"], "Expected a list of tenants.");
  if (Array.isArray(tenants)) {
    if (tenants.length > LIST_LIMITS.tenants) sink.add(["tenants"], `At most ${LIST_LIMITS.tenants} tenants.`);
    const seen = new Set<string>();
    tenants.forEach((tenant: unknown, index) => {
      if (!isPlainObject(tenant)) {
        sink.add(["tenants", index], "Expected a tenant.");
        return;
      }
      const { restrictions, ...header } = tenant;
      const parsedHeader = tenantHeaderSchema.safeParse(header);
      if (!parsedHeader.success) sink.addZod(["tenants", index], parsedHeader.error);
      if (restrictions === undefined) sink.add(["tenants", index, "restrictions"], "Required.");
      const list = parseAddressList(restrictions, ["tenants", index, "restrictions"], LIST_LIMITS.tenantRestrictions, sink);
      if (parsedHeader.success) {
        if (seen.has(parsedHeader.data.id)) sink.add(["tenants", index, "id"], "Duplicate tenant id.");
        seen.add(parsedHeader.data.id);
        tenantOut.push({ ...parsedHeader.data, restrictions: list.entries });
        tenantNetworks.push(list.networks);
      }
    });
  }

  if (sink.issues.length > 0 || !settings.success) return { ok: false, issues: sink.result() };
  const snapshot: PolicySnapshot = {
    ...settings.data,
    whitelist: wl.entries,
    blocklist: bl.entries,
    management: mg.entries,
    tenants: tenantOut,
  };
  return {
    ok: true,
    value: {
      snapshot,
      networks: { whitelist: wl.networks, blocklist: bl.networks, management: mg.networks, tenantRestrictions: tenantNetworks },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Per-node render input
// ---------------------------------------------------------------------------------------------------------

/** Absolute path of plain segments: no spaces, globs, "." or ".." segments (fail2ban reads globs and " tail"). */
export const LOG_PATH_PATTERN = /^(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._-]+)+$/;

const logPathSchema = safeText({ error: "Log path must be text." })
  .max(255, "Log path is too long.")
  .regex(LOG_PATH_PATTERN, "Log path must be absolute and contain only letters, digits and . _ - / (no . or .. segments).");

/** Where a node's daemons write the logs fail2ban (and the collector) read; defaults are Debian's. */
export const DEFAULT_LOG_PATHS = {
  asteriskMessages: "/var/log/asterisk/messages",
  asteriskSecurity: "/var/log/asterisk/security",
  /** FreePBX's administration GUI and UCP write failed logins here. */
  freepbxSecurity: "/var/log/asterisk/freepbx_security.log",
  /** The PBX's web server (Apache, as FreePBX installs it): HTTP authentication failures. */
  webServerError: "/var/log/apache2/error.log",
  fail2ban: "/var/log/fail2ban.log",
  /** Asterisk's cdr_csv (cdr.conf [csv]): call records the collector reads, never fail2ban. */
  asteriskCdr: "/var/log/asterisk/cdr-csv/Master.csv",
} as const;

const labelSchema = (what: string) =>
  safeText({ error: `${what} must be text.` })
    .min(1, `${what} is required.`)
    .max(200, `${what} is too long.`)
    .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, `${what} must not contain control or invisible characters.`);

/**
 * Per-node input of a render: extra management addresses and log paths change the artefacts; the node name and
 * tags are validated but rendered nowhere (nodes with equal inputs share one ruleset version). Tags are reserved
 * for tag-scoped policy.
 */
export const nodeRenderInputSchema = z.strictObject({
  nodeName: labelSchema("Node name"),
  managementAddresses: z
    .array(networkTextSchema)
    .max(LIST_LIMITS.nodeManagementAddresses, `At most ${LIST_LIMITS.nodeManagementAddresses} addresses.`)
    .optional(),
  tags: uniqueList(labelSchema("Tag"), "tag", 64),
  logPaths: z
    .strictObject({
      asteriskMessages: logPathSchema,
      asteriskSecurity: logPathSchema,
      freepbxSecurity: logPathSchema,
      webServerError: logPathSchema,
      fail2ban: logPathSchema,
    })
    .optional(),
  /**
   * The addresses the panel reaches this node from (configured ones and the one the node saw): accepted on
   * every management port before anything that drops, and in every jail's ignoreip.
   */
  panelAddresses: z
    .array(networkTextSchema)
    .max(LIST_LIMITS.nodeManagementAddresses, `At most ${LIST_LIMITS.nodeManagementAddresses} panel addresses.`)
    .optional(),
  /** This node's override of the cluster's exposure policy. */
  exposureOverride: exposureOverrideSchema.nullish(),
});

export type NodeRenderInput = z.input<typeof nodeRenderInputSchema>;
export type ValidNodeRenderInput = z.output<typeof nodeRenderInputSchema>;
