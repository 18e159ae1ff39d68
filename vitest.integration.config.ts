import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Integration tests: a real PostgreSQL (TEST_DATABASE_URL, local only), real tools where root.
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["{lib,app,cli,test}/**/*.integration.test.ts"],
    environment: "node",
    globalSetup: ["./test/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
