import { describe, expect, it } from "vitest";

import type { NodeStatus } from "./agent-output";
import { settleFromStatus, type StaleDeployment } from "./reconcile";

const NEW = "a".repeat(64);
const OLD = "b".repeat(64);
const NOW = new Date("2026-12-03T12:00:00Z");
const seconds = (offset: number) => Math.floor(NOW.getTime() / 1000) + offset;
const status = (over: Partial<NodeStatus>): NodeStatus => ({
  version: OLD,
  confirmedDigest: "d".repeat(64),
  digest: "d".repeat(64),
  pending: null,
  lastRollback: null,
  bootRestore: "hook",
  ...over,
});
const deployment = (state: StaleDeployment["state"]): StaleDeployment => ({ id: "dep-1", state, version: NEW });

describe("settling an interrupted deployment from the node's status", () => {
  it("confirms one the node still has pending before its deadline, and waits while its timer fires", () => {
    expect(settleFromStatus(deployment("APPLIED"), status({ pending: { deployment: "dep-1", deadline: seconds(30) } }), NOW)).toBe("confirm");
    expect(settleFromStatus(deployment("APPLIED"), status({ pending: { deployment: "dep-1", deadline: seconds(1) } }), NOW)).toEqual({
      state: "APPLIED",
      message: expect.stringMatching(/timer is firing/),
    });
  });

  it("records the node's own rollback of this deployment with its time and reason", () => {
    const settled = settleFromStatus(deployment("APPLIED"), status({ lastRollback: { at: NOW, deployment: "dep-1", reason: "not confirmed within 60 s", ok: true } }), NOW);
    expect(settled).toEqual({ state: "ROLLED_BACK", message: `Interrupted; the node restored its previous version by itself at ${NOW.toISOString()} (not confirmed within 60 s)` });
    const failed = settleFromStatus(deployment("APPLIED"), status({ lastRollback: { at: NOW, deployment: "dep-1", reason: "x", ok: false } }), NOW);
    expect(failed).toMatchObject({ state: "ROLLED_BACK", message: expect.stringMatching(/the restore reported errors$/) });
  });

  it("is confirmed when the node runs its version with nothing pending, whatever state it was left in", () => {
    for (const state of ["UPLOADING", "VALIDATING", "APPLIED"] as const) {
      expect(settleFromStatus(deployment(state), status({ version: NEW }), NOW)).toMatchObject({ state: "CONFIRMED", digest: "d".repeat(64) });
    }
  });

  it("says what the node runs otherwise: rolled back after an apply, failed before one, skipped before a start", () => {
    expect(settleFromStatus(deployment("APPLIED"), status({}), NOW)).toEqual({ state: "ROLLED_BACK", message: `Interrupted after the apply; the node runs version ${OLD.slice(0, 12)}` });
    expect(settleFromStatus(deployment("VALIDATING"), status({}), NOW)).toMatchObject({ state: "FAILED", message: expect.stringMatching(/nothing was changed/) });
    expect(settleFromStatus(deployment("PENDING"), status({ version: null }), NOW)).toEqual({ state: "SKIPPED", message: "Interrupted before it started; the node runs no confirmed version" });
  });

  it("never takes another deployment's pending apply or rollback for this one's", () => {
    const other = status({ pending: { deployment: "dep-2", deadline: seconds(30) }, lastRollback: { at: NOW, deployment: "dep-0", reason: "x", ok: true } });
    expect(settleFromStatus(deployment("APPLIED"), other, NOW)).toMatchObject({ state: "ROLLED_BACK", message: expect.stringMatching(/^Interrupted after the apply/) });
  });
});
