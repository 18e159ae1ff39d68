// Shared by playwright.config.ts, e2e/server.ts and the specs.
export const E2E_PORT = 3117;
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_DATABASE = "rampart_e2e";
