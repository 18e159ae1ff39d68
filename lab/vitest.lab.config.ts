import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Lab tests: real namespaces, daemons and attack tools (root only). `npx vitest run --config lab/vitest.lab.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("..", import.meta.url)),
      "server-only": fileURLToPath(new URL("../test/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["lab/**/*.lab.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
