import { describe, expect, it } from "vitest";

import { planSchedule } from "./collector-queue";

describe("planSchedule", () => {
  it("splits a minute into rounds for short intervals and uses minute steps for long ones", () => {
    expect(planSchedule(15)).toEqual({ cron: "* * * * *", roundOffsets: [0, 15, 30, 45] });
    expect(planSchedule(60)).toEqual({ cron: "* * * * *", roundOffsets: [0] });
    expect(planSchedule(300)).toEqual({ cron: "*/5 * * * *", roundOffsets: [0] });
    expect(() => planSchedule(7)).toThrow(/divide 60/);
    expect(() => planSchedule(90)).toThrow(/whole minutes/);
  });
});
