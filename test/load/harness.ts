import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

// A load harness for the running dashboard (server.ts, exactly as `npm start` runs it): parallel clients,
// each signed in as its own user with its own API token and tenant, walk every dashboard page and API
// route, sign in again now and then, and write data tagged with their own name, which they read back.
// Every answer is checked: no 5xx, no error page, no sign-out of a valid session or token, and no answer
// that carries another client's data. Used by the concurrency suite and by `npm run bench -- load`.

export interface StartedServer {
  base: string;
  output(): string;
  /** SIGTERM; resolves with how long the process took to exit and its exit code. */
  stop(): Promise<{ ms: number; code: number | null }>;
}

export const LOAD_ADMIN = { email: "load-admin@rampart.test", password: "load admin password 1" };

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

/** Starts server.ts (one process, so SIGTERM reaches it) and waits until /api/health answers. */
export async function startServer(options: { port: number; dataDir: string; databaseUrl?: string; env?: NodeJS.ProcessEnv }): Promise<StartedServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(options.port),
    RAMPART_DATA_DIR: options.dataDir,
    RAMPART_LISTEN_HOST: "127.0.0.1",
    RAMPART_ADMIN_EMAIL: LOAD_ADMIN.email,
    RAMPART_ADMIN_PASSWORD: LOAD_ADMIN.password,
    RAMPART_POLL_INTERVAL_SECONDS: "5",
    ...options.env,
  };
  for (const key of ["DATABASE_URL", "RAMPART_EMBEDDED_DATABASE_URL", "NEXTAUTH_URL", "NEXTAUTH_SECRET", "RAMPART_SECRET_KEY"]) delete env[key];
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start in time:\n${output}`);
    }
    if (output.includes("dashboard on")) {
      const health = await fetch(`${base}/api/health`).catch(() => null);
      if (health?.status === 200) break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    output: () => output,
    async stop() {
      const started = Date.now();
      if (child.exitCode !== null) return { ms: 0, code: child.exitCode };
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await exited;
      clearTimeout(killer);
      return { ms: Date.now() - started, code };
    },
  };
}

/** A cookie jar for one browser-like client (the few cookies next-auth sets). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  clear(): void {
    this.cookies.clear();
  }
}

/** Signs in through next-auth's own credentials flow, as the login form does. */
export async function signIn(base: string, jar: CookieJar, email: string, password: string): Promise<void> {
  jar.clear();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  jar.store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/`, json: "true" }),
  });
  jar.store(response);
  if (!jar.has("next-auth.session-token")) throw new Error(`sign-in of ${email} failed: HTTP ${response.status} ${await response.text()}`);
}

export interface ClientIdentity {
  name: string;
  email: string;
  password: string;
  userId: string;
  tenantId: string;
  tenantName: string;
  token: string;
}

export interface LoadFailure {
  client: string;
  request: string;
  kind: "error" | "signed-out" | "mismatch";
  detail: string;
}

export interface LoadResult {
  requests: number;
  failures: LoadFailure[];
  pageMs: number[];
  apiMs: number[];
  /** /api/health under the same load: the floor a page competes with (HTTP, Next.js routing, one SELECT 1). */
  healthMs: number[];
  signIns: number;
  writes: number;
  /** Entries each client created and never deleted: they must all still exist after a restart. */
  kept: { network: string; comment: string }[];
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Creates one user (ADMIN), token and tenant per client, through the API as the first administrator. */
export async function prepareClients(base: string, count: number, runTag: string): Promise<ClientIdentity[]> {
  const jar = new CookieJar();
  await signIn(base, jar, LOAD_ADMIN.email, LOAD_ADMIN.password);
  const admin = { cookie: jar.header(), origin: base, "content-type": "application/json" };
  const clients: ClientIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${runTag}-c${i}`;
    const email = `${name}@load.rampart.test`;
    const user = await json<{ id: string; initialPassword: string }>(
      await fetch(`${base}/api/v1/users`, { method: "POST", headers: admin, body: JSON.stringify({ email, name, role: "ADMIN" }) }),
      `create user ${email}`,
    );
    const tenantName = `Load tenant ${name}`;
    const tenant = await json<{ id: string }>(
      await fetch(`${base}/api/v1/tenants`, { method: "POST", headers: admin, body: JSON.stringify({ name: tenantName, description: name }) }),
      `create tenant ${tenantName}`,
    );
    // The client's own token, created in its own session (so it belongs to that user).
    const own = new CookieJar();
    await signIn(base, own, email, user.initialPassword);
    const token = await json<{ token: string }>(
      await fetch(`${base}/api/v1/tokens`, {
        method: "POST",
        headers: { cookie: own.header(), origin: base, "content-type": "application/json" },
        body: JSON.stringify({ name: `${name}-token`, role: "ADMIN" }),
      }),
      `create token for ${email}`,
    );
    clients.push({ name, email, password: user.initialPassword, userId: user.id, tenantId: tenant.id, tenantName, token: token.token });
  }
  return clients;
}

const PAGES = [
  "/",
  "/audit",
  "/bans",
  "/call-limits",
  "/call-limits/blocks",
  "/calls",
  "/firewall/blocklist",
  "/firewall/whitelist",
  "/firewall/geoip",
  "/firewall/fail2ban",
  "/firewall/management-access",
  "/firewall/rate-limits",
  "/firewall/scanners",
  "/nodes",
  "/nodes/new",
  "/rulesets",
  "/settings",
  "/tenants",
  "/tenants/{tenant}",
  "/tenants/{tenant}/restrictions",
  "/users",
  "/users/new",
  "/users/{user}",
];

const API_READS = [
  "/api/health",
  "/api/v1/audit",
  "/api/v1/bans",
  "/api/v1/blocklist",
  "/api/v1/blocklist/count",
  "/api/v1/blocklist/export",
  "/api/v1/whitelist",
  "/api/v1/whitelist/count",
  "/api/v1/whitelist/export",
  "/api/v1/call-limits/abuse-detection",
  "/api/v1/call-limits/blocks",
  "/api/v1/call-limits/routes",
  "/api/v1/call-limits/tenants",
  "/api/v1/call-limits/tenants/{tenant}",
  "/api/v1/call-limits/tenants/{tenant}/extensions",
  "/api/v1/calls",
  "/api/v1/nodes",
  "/api/v1/openapi.json",
  "/api/v1/rulesets/current",
  "/api/v1/settings/fail2ban",
  "/api/v1/settings/geoip",
  "/api/v1/settings/geoip/countries",
  "/api/v1/settings/management-access",
  "/api/v1/settings/management-access/export",
  "/api/v1/settings/notifications",
  "/api/v1/settings/ports",
  "/api/v1/settings/rate-limit",
  "/api/v1/settings/scanners",
  "/api/v1/status",
  "/api/v1/tenants",
  "/api/v1/tenants/{tenant}/restrictions",
  "/api/v1/tenants/{tenant}/restrictions/count",
  "/api/v1/tenants/{tenant}/restrictions/export",
  "/api/v1/tokens",
  "/api/v1/users",
];

function fill(path: string, client: ClientIdentity): string {
  return path.replace("{tenant}", client.tenantId).replace("{user}", client.userId);
}

/** A distinct documentation-range network per client and write: 198.18.0.0/15 hosts, never routed. */
function networkFor(clientIndex: number, write: number): string {
  const n = clientIndex * 100_000 + write;
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Runs `clients` in parallel for `durationMs`; every answer is checked as described at the top. */
export async function runLoad(
  base: string,
  clients: ClientIdentity[],
  durationMs: number,
  options: { clientOffset?: number; /** A client stops at its first failure (the server is being stopped). */ stopOnError?: boolean } = {},
): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: [], pageMs: [], apiMs: [], healthMs: [], signIns: 0, writes: 0, kept: [] };
  const stopAt = Date.now() + durationMs;
  const offset = options.clientOffset ?? 0;
  // Each client signs in again three times a run at least (every 15 s in a long one).
  const signInEveryMs = Math.min(15_000, durationMs / 4);

  // The floor, measured under the same load: one more caller asking only /api/health, one request at a time.
  const probe = (async () => {
    while (Date.now() < stopAt) {
      const started = performance.now();
      const response = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(30_000) }).catch(() => null);
      if (!response) {
        if (options.stopOnError) return;
        continue;
      }
      await response.arrayBuffer().catch(() => undefined);
      result.healthMs.push(performance.now() - started);
    }
  })();

  await Promise.all(
    clients.map(async (client, index) => {
      const jar = new CookieJar();
      const fail = (request: string, kind: LoadFailure["kind"], detail: string) => result.failures.push({ client: client.name, request, kind, detail: detail.slice(0, 300) });
      const bearer = { authorization: `Bearer ${client.token}` };
      try {
        await signIn(base, jar, client.email, client.password);
        result.signIns++;
      } catch (error) {
        fail("sign-in", "error", error instanceof Error ? error.message : String(error));
        return;
      }
      let step = index; // clients start at different places in the walk
      let pageIndex = index;
      let apiIndex = index;
      let writes = 0;
      let lastSignIn = Date.now();

      const timed = async (request: string, init: RequestInit, into: number[]): Promise<Response | null> => {
        const started = performance.now();
        try {
          const response = await fetch(`${base}${request}`, { ...init, redirect: "manual", signal: AbortSignal.timeout(30_000) });
          into.push(performance.now() - started);
          result.requests++;
          return response;
        } catch (error) {
          fail(request, "error", `no answer: ${error instanceof Error ? error.message : String(error)}`);
          if (options.stopOnError) throw error;
          return null;
        }
      };

      while (Date.now() < stopAt) {
        try {
          step++;
          if (Date.now() - lastSignIn > signInEveryMs) {
            try {
              await signIn(base, jar, client.email, client.password);
              result.signIns++;
            } catch (error) {
              fail("sign-in", "error", error instanceof Error ? error.message : String(error));
            }
            lastSignIn = Date.now();
          }
          const kind = step % 4;
          if (kind === 0 || kind === 1) {
            // A dashboard page with the session cookie: it must show this client as the signed-in user.
            const path = fill(PAGES[pageIndex++ % PAGES.length]!, client);
            const response = await timed(path, { headers: { cookie: jar.header() } }, result.pageMs);
            if (!response) continue;
            const body = await response.text();
            if (response.status >= 300 && response.status < 400 && /\/login/.test(response.headers.get("location") ?? "")) fail(path, "signed-out", "redirected to sign-in");
            else if (response.status !== 200) fail(path, "error", `HTTP ${response.status}`);
            else if (/Something went wrong/.test(body)) fail(path, "error", "error page");
            else {
              const shown = /data-signed-in-as="([^"]*)"/.exec(body)?.[1];
              if (shown !== client.email) fail(path, "mismatch", `page shows ${shown ?? "no user"} as signed in`);
              if (path.startsWith("/tenants/") && !body.includes(client.tenantName)) fail(path, "mismatch", "own tenant missing from its page");
            }
          } else if (kind === 2) {
            // An API read with the client's own token.
            const path = fill(API_READS[apiIndex++ % API_READS.length]!, client);
            const response = await timed(path, { headers: bearer }, result.apiMs);
            if (!response) continue;
            const body = await response.text();
            if (response.status === 401) fail(path, "signed-out", "valid token answered 401");
            else if (response.status !== 200) fail(path, "error", `HTTP ${response.status}: ${body}`);
          } else {
            // A tagged write, read back: by token and by session cookie in turn.
            writes++;
            const network = networkFor(index + offset, writes);
            const comment = `${client.name} write ${writes}`;
            const viaCookie = writes % 2 === 0;
            const headers: Record<string, string> = viaCookie
              ? { cookie: jar.header(), origin: base, "content-type": "application/json" }
              : { ...bearer, "content-type": "application/json" };
            const created = await timed("/api/v1/blocklist", { method: "POST", headers, body: JSON.stringify({ network, comment }) }, result.apiMs);
            if (!created) continue;
            const body = await created.text();
            if (created.status !== 201) {
              fail("POST /api/v1/blocklist", created.status === 401 ? "signed-out" : "error", `HTTP ${created.status}: ${body}`);
              continue;
            }
            result.writes++;
            const entry = JSON.parse(body) as { id: string; network: string; comment: string };
            if (entry.network !== network || entry.comment !== comment) fail("POST /api/v1/blocklist", "mismatch", `answered ${entry.network} "${entry.comment}"`);
            const read = await timed(`/api/v1/blocklist/${entry.id}`, { headers: bearer }, result.apiMs);
            if (!read) continue;
            const back = read.status === 200 ? ((await read.json()) as { network: string; comment: string }) : null;
            if (!back) fail("GET /api/v1/blocklist/:id", "error", `HTTP ${read.status}`);
            else if (back.network !== network || back.comment !== comment) fail("GET /api/v1/blocklist/:id", "mismatch", `read ${back.network} "${back.comment}"`);
            // Every third entry is deleted again (a write of another kind); the rest must survive a restart.
            if (writes % 3 === 0) {
              const removed = await timed(`/api/v1/blocklist/${entry.id}`, { method: "DELETE", headers: bearer }, result.apiMs);
              if (removed && removed.status !== 200 && removed.status !== 204) fail("DELETE /api/v1/blocklist/:id", "error", `HTTP ${removed.status}`);
            } else {
              result.kept.push({ network, comment });
            }
            // The client's own user, by id: its own e-mail, never another's.
            const self = await timed(`/api/v1/users/${client.userId}`, { headers: bearer }, result.apiMs);
            if (self) {
              const user = self.status === 200 ? ((await self.json()) as { email: string }) : null;
              if (!user) fail("GET /api/v1/users/:id", self.status === 401 ? "signed-out" : "error", `HTTP ${self.status}`);
              else if (user.email !== client.email) fail("GET /api/v1/users/:id", "mismatch", `answered ${user.email}`);
            }
          }
        } catch (error) {
          // An answer cut off mid-body (the server stopping under the SIGTERM test), or a parse of a broken one.
          fail(`step ${step}`, "error", error instanceof Error ? error.message : String(error));
          if (options.stopOnError) break;
        }
      }
    }),
  );
  await probe;
  return result;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Entries of `kept` missing from the database behind `base` (read by the first administrator's session). */
export async function findMissingEntries(base: string, kept: LoadResult["kept"]): Promise<string[]> {
  const jar = new CookieJar();
  await signIn(base, jar, LOAD_ADMIN.email, LOAD_ADMIN.password);
  const missing: string[] = [];
  for (const entry of kept) {
    const response = await fetch(`${base}/api/v1/blocklist?q=${encodeURIComponent(`${entry.network}/32`)}`, { headers: { cookie: jar.header() } });
    const page = (await response.json()) as { items?: { network: string; comment: string }[] };
    if (!page.items?.some((item) => item.network === entry.network && item.comment === entry.comment)) missing.push(entry.network);
  }
  return missing;
}
