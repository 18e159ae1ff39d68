import { describe, expect, it } from "vitest";

import { describeDrift, type DriftInput } from "./drift";

const V = "a".repeat(64);
const D = "b".repeat(64);
const OTHER = "c".repeat(64);
const base: DriftInput = { confirmedVersion: V, digest: D, confirmedDigest: D, isLoaded: true, bootRestore: "unit" };

describe("describeDrift", () => {
  it("reports a node running its confirmed version as not drifted, naming the version", () => {
    expect(describeDrift(base)).toEqual({ drifted: false, message: "Running state matches confirmed version aaaaaaaaaaaa." });
  });

  it("reports a node rebooted without restore (no chains) as not running its confirmed version", () => {
    const report = describeDrift({ ...base, digest: OTHER, isLoaded: false, bootRestore: "none" });
    expect(report.drifted).toBe(true);
    expect(report.message).toMatch(/^Running state does not match confirmed version aaaaaaaaaaaa: Rampart's chains are not loaded/);
    expect(report.message).toContain("restores nothing at boot");
  });

  it("does not blame a missing boot restore when one is installed", () => {
    const report = describeDrift({ ...base, digest: OTHER, isLoaded: false, bootRestore: "hook" });
    expect(report.drifted).toBe(true);
    expect(report.message).not.toContain("restores nothing at boot");
    expect(report.message).toContain("restore did not run");
  });

  it("tells a change made by hand (chains loaded, digest differs) apart from a reboot", () => {
    const report = describeDrift({ ...base, digest: OTHER });
    expect(report).toEqual({
      drifted: true,
      message: "Running state does not match confirmed version aaaaaaaaaaaa: Rampart's chains or sets were changed outside Rampart. Push again to restore them.",
    });
  });

  it("still reports drift when an older agent does not say whether the chains are loaded", () => {
    expect(describeDrift({ ...base, digest: OTHER, isLoaded: null, bootRestore: null }).drifted).toBe(true);
  });

  it("has nothing to compare when no version was confirmed or a digest is missing", () => {
    expect(describeDrift({ ...base, confirmedVersion: null, digest: OTHER }).drifted).toBeNull();
    expect(describeDrift({ ...base, digest: null }).drifted).toBeNull();
    expect(describeDrift({ ...base, confirmedDigest: null, digest: OTHER })).toMatchObject({ drifted: null, message: expect.stringContaining("aaaaaaaaaaaa") });
  });
});
