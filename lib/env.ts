import { z } from "zod";

// The only reader of process.env. Everything else imports `env` (validated once, on first use).

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Set by the start-up script when it runs the embedded database; not for operators. */
  RAMPART_EMBEDDED_DATABASE_URL: z.string().optional(),
  RAMPART_DATA_DIR: z.string().min(1).default("./data"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  RAMPART_LISTEN_HOST: z.string().min(1).default("0.0.0.0"),
  RAMPART_PUBLIC_URL: z.url().optional(),
  RAMPART_SECRET_KEY: z.string().min(32, "RAMPART_SECRET_KEY must be at least 32 characters").optional(),
  RAMPART_ADMIN_EMAIL: z.email().optional(),
  RAMPART_ADMIN_PASSWORD: z.string().min(12, "RAMPART_ADMIN_PASSWORD must be at least 12 characters").optional(),
  /** Comma-separated networks whose X-Forwarded-For is believed (reverse proxies). */
  RAMPART_TRUSTED_PROXIES: z.string().default(""),
  RAMPART_WEB_AUTH_LOG: z.string().optional(),
  /** A directory in @ip-location-db/geo-whois-asn-country's layout to use instead of the shipped dataset (the lab's own). */
  RAMPART_GEOIP_DIR: z.string().min(1).optional(),
  /**
   * Seconds between two collector polls of every node (default 15). pg-boss schedules to the minute, so the
   * interval must divide a minute (5-60 s) or be whole minutes (up to an hour).
   */
  RAMPART_POLL_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(5, "RAMPART_POLL_INTERVAL_SECONDS must be at least 5")
    .max(3600, "RAMPART_POLL_INTERVAL_SECONDS must be at most 3600")
    .refine((s) => (s <= 60 ? 60 % s === 0 : s % 60 === 0), "RAMPART_POLL_INTERVAL_SECONDS must divide 60 (5, 10, 15, 20, 30, 60) or be whole minutes")
    .default(15),
  /** "off": `npm start` runs the web app without the in-process collector worker (run `npm run worker` instead). */
  RAMPART_WORKER: z.enum(["on", "off"]).default("on"),
  /** Development only: a separate Next.js build directory (next.config.js reads it too). */
  RAMPART_NEXT_DIST_DIR: z.string().regex(/^\.next[a-z0-9-]*$/, "RAMPART_NEXT_DIST_DIR must look like .next-name").optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Validated environment; throws one readable error listing every bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Connection string of the database in use: DATABASE_URL, or the embedded server the start-up script runs. */
export function getDatabaseUrl(): string | undefined {
  const env = getEnv();
  return env.DATABASE_URL ?? env.RAMPART_EMBEDDED_DATABASE_URL;
}

/** Lets the start-up script publish the embedded database to this process and its children. */
export function setEmbeddedDatabaseUrl(url: string): void {
  process.env.RAMPART_EMBEDDED_DATABASE_URL = url;
  cached = undefined;
}

/** Lets the start-up script publish settings next-auth reads from the environment itself. */
export function publishAuthEnv(values: { secret: string; url: string }): void {
  process.env.NEXTAUTH_SECRET = values.secret;
  process.env.NEXTAUTH_URL ??= values.url;
  cached = undefined;
}

/**
 * Next.js sends anonymous usage data unless NEXT_TELEMETRY_DISABLED is non-empty: Rampart sets it for itself
 * and the build it spawns, unless the operator has set the variable (to an empty value, to opt in: Next.js
 * reads any non-empty value, "0" included, as "disabled").
 */
export function disableNextTelemetryByDefault(): void {
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
}

/** next-auth's own variables, read here so no other module touches process.env. */
export function getAuthSecret(): string | undefined {
  return process.env.NEXTAUTH_SECRET;
}

/** The address users reach Rampart at: RAMPART_PUBLIC_URL, or localhost on PORT (what server.ts announces). */
export function getPublicUrl(): string {
  const env = getEnv();
  return env.RAMPART_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
}

/** HTTPS in the public URL: browsers are told to use nothing else (HSTS). */
export function isPublicUrlHttps(): boolean {
  return getPublicUrl().startsWith("https:");
}

export function isProduction(): boolean {
  return getEnv().NODE_ENV === "production";
}
