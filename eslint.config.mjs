import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".next-*/**", "node_modules/**", "lib/generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The compiler is pure: no database, SSH, Next.js, file system or environment inside lib/rules
    // (lib/rules/write.ts is the one place that writes artefacts to disk).
    files: ["lib/rules/**/*.ts"],
    ignores: ["lib/rules/write.ts", "lib/rules/**/*.test.ts", "lib/rules/**/*.integration.test.ts", "lib/rules/geo-data.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db/*", "@/lib/ssh/*", "@/lib/deploy/*", "@/lib/env", "next", "next/*", "node:fs", "node:fs/*", "fs", "ssh2", "pg"], message: "lib/rules is pure: pass data in, return text." },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "process", message: "lib/rules must not read the environment." }],
    },
  },
  {
    // Pricing and the rate CSV are pure like the compiler: data in, prices and text out, no I/O and no clock.
    files: ["lib/pricing/**/*.ts", "lib/rates/**/*.ts", "lib/guard/**/*.ts"],
    ignores: ["lib/pricing/**/*.test.ts", "lib/rates/**/*.test.ts", "lib/guard/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db/*", "@/lib/ssh/*", "@/lib/deploy/*", "@/lib/env", "next", "next/*", "node:fs", "node:fs/*", "fs", "pg", "@/lib/generated/*"], message: "Pricing is pure: pass rates in, return prices." },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "process", message: "Pricing must not read the environment." }],
    },
  },
  {
    // Only lib/env.ts reads process.env.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.ts"],
    ignores: ["lib/env.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts." }],
    },
  },
]);
