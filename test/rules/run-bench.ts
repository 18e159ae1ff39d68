// Runs bench/rules.ts on its own: `npx tsx --tsconfig tsconfig.json test/rules/run-bench.ts` (root for the namespace parts).
import { benchRules } from "@/bench/rules";

await benchRules();
