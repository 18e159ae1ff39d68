import { describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";

import { hashArtefacts, digestCanonicalJson } from "./hash";
import { ARTEFACT_PATHS, GUARD_ARTEFACT_PATHS } from "./names";
import { renderIpsetRestore } from "./render-ipset";
import { renderRuleset } from "./render";
import { FIXED_NOW, GOLDEN_POLICIES, NODE, TINY_GEOIP, typicalSingleTenantPolicy } from "./testing/fixtures";

const render = (policy: unknown, node: unknown = NODE, now = FIXED_NOW) => renderRuleset(policy, node, TINY_GEOIP, { now });

describe("golden files", () => {
  for (const [name, makePolicy] of Object.entries(GOLDEN_POLICIES)) {
    it(`renders the ${name} policy as reviewed`, async () => {
      const result = render(makePolicy());
      expect(Object.keys(result.files).sort()).toEqual(Object.values(ARTEFACT_PATHS).filter((path) => !GUARD_ARTEFACT_PATHS.includes(path)).sort());
      for (const [path, content] of Object.entries(result.files)) {
        await expect(content).toMatchFileSnapshot(`./__golden__/${name}/${path}`);
      }
    });
  }
});

describe("renderRuleset", () => {
  it("is deterministic: equal inputs give byte-identical artefacts", () => {
    const a = render(typicalSingleTenantPolicy());
    const b = render(JSON.parse(JSON.stringify(typicalSingleTenantPolicy())));
    expect(b.files).toEqual(a.files);
    expect(b.hash).toBe(a.hash);
  });

  it("versions the artefacts: hash over everything but the manifest, which carries it", () => {
    const result = render(typicalSingleTenantPolicy());
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashArtefacts(result.files)).toBe(result.hash);
    const manifest = JSON.parse(result.files[ARTEFACT_PATHS.manifest] as string) as { version: string; files: Record<string, unknown> };
    expect(manifest.version).toBe(result.hash);
    expect(Object.keys(manifest.files)).not.toContain(ARTEFACT_PATHS.manifest);
  });

  it("gives nodes with the same rules the same version and manifest; only rendered differences change it", () => {
    const a = render(typicalSingleTenantPolicy(), { nodeName: "a", tags: ["x"] });
    const b = render(typicalSingleTenantPolicy(), { nodeName: "b", tags: [] });
    expect(b.hash).toBe(a.hash);
    expect(b.files).toEqual(a.files);
    const c = render(typicalSingleTenantPolicy(), { nodeName: "a", tags: ["x"], managementAddresses: ["192.0.2.9"] });
    expect(c.hash).not.toBe(a.hash);
  });

  it("changes the version when an entry expires", () => {
    const before = render(typicalSingleTenantPolicy());
    const after = render(typicalSingleTenantPolicy(), NODE, new Date("2025-07-01T00:00:00.000Z"));
    expect(after.hash).not.toBe(before.hash);
  });

  it("records the policy digest independent of key order", () => {
    const policy = typicalSingleTenantPolicy();
    const result = render(policy);
    const reordered = Object.fromEntries(Object.entries(policy).reverse());
    expect(result.manifest.policy.digest).toBe(digestCanonicalJson(reordered));
  });

  it("refuses an invalid snapshot or node input with AppError VALIDATION and renders nothing", () => {
    const policy = typicalSingleTenantPolicy();
    const bad = { ...policy, blocklist: [{ network: "1.2.3.4\n-A INPUT -j ACCEPT", comment: "" }] };
    expect(() => render(bad)).toThrow(AppError);
    try {
      render(bad);
    } catch (error) {
      expect((error as AppError).code).toBe("VALIDATION");
      expect(Object.keys((error as AppError).fieldErrors ?? {})).toEqual(["blocklist.0.network"]);
    }
    expect(() => render(policy, { nodeName: "", tags: [] })).toThrow(AppError);
  });

  it("loads list sets under temporary names and can render the real names", () => {
    const result = render(typicalSingleTenantPolicy());
    const text = result.files[ARTEFACT_PATHS.ipset] as string;
    expect(text).toContain("create rampart-bl4-net-new hash:net family inet");
    expect(text).toContain("create rampart-f2b-voip4 hash:ip family inet hashsize 1024 maxelem 1048576 timeout 0 -exist");
    const real = renderIpsetRestore(result.model, { suffix: "" });
    expect(real).toContain("create rampart-bl4-net hash:net family inet");
    expect(() => renderIpsetRestore(result.model, { suffix: " x" })).toThrow();
    for (const set of result.manifest.sets) expect((set.tempName ?? set.name).length).toBeLessThanOrEqual(31);
  });
});
