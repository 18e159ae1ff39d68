import { describe, expect, it } from "vitest";

import { findRepairRefusal, type RepairPlan } from "./repair";

// Which repairs are refused, in the words the dashboard, the API and the CLI show (pure; the database side is
// in repair.integration.test.ts).

const HASH = "0123456789abcdef".repeat(4);
const plan = (overrides: Partial<RepairPlan> = {}): RepairPlan => ({
  nodeId: "00000000-0000-4000-8000-000000000001",
  nodeName: "pbx1",
  isEnabled: true,
  version: { hash: HASH, source: "deployment" },
  isDrifted: true,
  driftMessage: "Running state does not match confirmed version 0123456789ab: Rampart's chains are not loaded.",
  ...overrides,
});

describe("findRepairRefusal", () => {
  it("lets a drifted node with a confirmed version go ahead, forced or not", () => {
    expect(findRepairRefusal(plan(), false)).toBeNull();
    expect(findRepairRefusal(plan(), true)).toBeNull();
  });

  it("refuses a node without a confirmed version even when forced", () => {
    expect(findRepairRefusal(plan({ version: null }), true)).toBe("Node pbx1 has no confirmed version to re-apply: push the current policy instead.");
  });

  it("refuses a disabled node even when forced", () => {
    expect(findRepairRefusal(plan({ isEnabled: false }), true)).toBe("Node pbx1 is disabled: enable it in its settings before repairing it.");
  });

  it("refuses a node in sync, or without a drift report, unless forced", () => {
    expect(findRepairRefusal(plan({ isDrifted: false }), false)).toBe("Node pbx1 runs its confirmed version; nothing to repair.");
    expect(findRepairRefusal(plan({ isDrifted: null, driftMessage: "The node has no confirmed digest of version 0123456789ab to compare with." }), false)).toBe(
      "Rampart cannot tell whether node pbx1 drifted. The node has no confirmed digest of version 0123456789ab to compare with. Repair it with force to re-apply version 0123456789ab anyway.",
    );
    expect(findRepairRefusal(plan({ isDrifted: false }), true)).toBeNull();
    expect(findRepairRefusal(plan({ isDrifted: null, driftMessage: null }), true)).toBeNull();
  });
});
