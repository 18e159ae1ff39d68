import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests: pure logic next to the code, no database, no network.
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["{lib,components,app,cli,lab,bench}/**/*.test.ts"],
    exclude: ["**/*.integration.test.ts", "**/*.lab.test.ts", "node_modules/**"],
    environment: "node",
  },
});
