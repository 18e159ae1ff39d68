import { resolve } from "node:path";
import { z } from "zod";
import { writeArtefacts } from "@/lib/rules/write";
import { renderCurrentRuleset } from "@/lib/rulesets/current";
import { UsageError, withDatabase } from "../context";
import { safeText } from "@/lib/validation/text";

const args = z.object({ out: safeText().min(1), node: safeText().min(1).max(200).optional() });

/** `rampart render --out DIR [--node NAME]`: writes the artefacts of the current policy. */
export async function render(values: Record<string, string | undefined>): Promise<void> {
  const parsed = args.safeParse(values);
  if (!parsed.success) throw new UsageError("usage: render --out DIR [--node NAME]");
  await withDatabase(async () => {
    const started = Date.now();
    const { target, rendered } = await renderCurrentRuleset(parsed.data.node);
    const written = await writeArtefacts(resolve(parsed.data.out), rendered.files);
    console.log(`rendered ruleset ${rendered.hash} for ${target.nodeName} in ${Date.now() - started} ms:`);
    for (const path of written) console.log(`  ${path}`);
  });
}
