import { describe, expect, it } from "vitest";

import { planSchedule, reachabilityLog } from "./collector-queue";

describe("planSchedule", () => {
  it("splits a minute into rounds for short intervals and uses minute steps for long ones", () => {
    expect(planSchedule(15)).toEqual({ cron: "* * * * *", roundOffsets: [0, 15, 30, 45] });
    expect(planSchedule(60)).toEqual({ cron: "* * * * *", roundOffsets: [0] });
    expect(planSchedule(300)).toEqual({ cron: "*/5 * * * *", roundOffsets: [0] });
    expect(() => planSchedule(7)).toThrow(/divide 60/);
    expect(() => planSchedule(90)).toThrow(/whole minutes/);
  });
});

describe("reachabilityLog", () => {
  it("logs a node's unreachability once per reason and its recovery once, not every poll", () => {
    const lines: string[] = [];
    const note = reachabilityLog((line) => lines.push(line));
    const down = (error: string) => ({ nodeId: "n1", nodeName: "pbx-1", isReachable: false, error });
    const up = { nodeId: "n1", nodeName: "pbx-1", isReachable: true, error: null };
    note(up);
    note(down("Cannot reach 198.18.0.2:22: ECONNREFUSED."));
    note(down("Cannot reach 198.18.0.2:22: ECONNREFUSED."));
    note(down("The node refused Rampart's key."));
    note(up);
    note(up);
    note({ nodeId: "n2", nodeName: "", isReachable: false, error: "timeout" });
    expect(lines).toEqual([
      "pbx-1: unreachable (Cannot reach 198.18.0.2:22: ECONNREFUSED.)",
      "pbx-1: unreachable (The node refused Rampart's key.)",
      "pbx-1: reachable again",
      "n2: unreachable (timeout)",
    ]);
  });
});
