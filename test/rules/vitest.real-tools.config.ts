import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The lib/rules real-tool suite alone, without the integration config's database set-up:
//   npx vitest run --config test/rules/vitest.real-tools.config.ts
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("../..", import.meta.url)) } },
  cacheDir: "/tmp/rampart-vitest-real-tools",
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["lib/rules/**/*.integration.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
