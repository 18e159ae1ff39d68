import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { GUARD_SCRIPTS } from "./scripts";

describe("GUARD_SCRIPTS", () => {
  it("is the scripts as they are in lib/guard (run `npm run generate` after changing one)", () => {
    const read = (name: string) => readFileSync(join(process.cwd(), "lib", "guard", name), "utf8");
    expect(GUARD_SCRIPTS).toEqual({ agi: read("rampart-guard-agi.sh"), decision: read("rampart-guard.sh"), lib: read("guard-lib.sh") });
  });
});
