// What the benchmarks that build a node lab need before they start.
import { LAB_TOOLS } from "@/lab/cluster";
import { LAB_BRIDGE } from "@/lab/topology";
import { missingPrerequisites, run } from "@/test/rules/netns";

/** Why a lab benchmark cannot run here (not root, a lab tool missing, a lab already up), or null when it can. */
export function labUnavailable(): string | null {
  const missing = missingPrerequisites(LAB_TOOLS);
  if (process.getuid?.() !== 0 || missing.length > 0) return `needs root and the lab tools${missing.length > 0 ? ` (missing ${missing.join(", ")})` : ""}`;
  if (run("ip", ["link", "show", LAB_BRIDGE]).status === 0) return "a lab is already up (run `npm run lab -- down` first)";
  return null;
}
