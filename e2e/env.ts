// Shared by playwright.config.ts, e2e/server.ts and the specs. The variables let several developers'
// runs coexist on one machine (each with its own port, database and RAMPART_NEXT_DIST_DIR build).
export const E2E_PORT = Number(process.env.RAMPART_E2E_PORT ?? 3117);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_DATABASE = process.env.RAMPART_E2E_DATABASE ?? "rampart_e2e";

/** The e2e server's master secret, so a spec can seal node keys with the CLI for the same server. Test only. */
export const E2E_SECRET_KEY = "e2e-only-master-secret-0123456789abcdef";
/** Collector interval of the e2e server (the shortest allowed), so the lab spec sees bans quickly. */
export const E2E_POLL_INTERVAL_SECONDS = 5;
