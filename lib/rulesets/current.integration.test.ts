import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { loadPolicySnapshot } from "@/lib/db/queries/policy-snapshot";
import { validateSnapshotForRender } from "@/lib/rules/render";
import { CLUSTER_TARGET, renderCurrentRuleset } from "./current";

// The database → snapshot → compiler path: what is stored renders, in canonical text.

describe("renderCurrentRuleset", () => {
  it("renders stored hosts and networks of every list in canonical form", async () => {
    const octet = randomInt(1, 250);
    const host = `203.0.113.${octet}`;
    const net6 = `2001:db8:${octet.toString(16)}::/48`;
    const tenant = await getDb().tenant.create({ data: { name: `render-${octet}-${Date.now()}` } });
    await getDb().addressEntry.createMany({
      data: [
        { list: "BLOCKLIST", network: host, family: 4, comment: "host" },
        { list: "BLOCKLIST", network: net6, family: 6, comment: "v6 net" },
        { list: "WHITELIST", network: `198.51.100.${octet}`, family: 4 },
        { list: "TENANT_RESTRICTION", tenantId: tenant.id, network: `192.0.2.${octet}`, family: 4 },
      ],
    });

    const snapshot = await loadPolicySnapshot();
    expect(snapshot.blocklist.map((e) => e.network)).toEqual(expect.arrayContaining([host, net6]));
    expect(() => validateSnapshotForRender(snapshot)).not.toThrow();

    const { target, rendered } = await renderCurrentRuleset();
    expect(target.nodeName).toBe(CLUSTER_TARGET);
    expect(rendered.files["ipset.restore"]).toContain(`add rampart-bl4-ip-new ${host} comment "host"\n`);
    expect(rendered.files["ipset.restore"]).toContain(net6);
    expect(rendered.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers NOT_FOUND for an unknown node", async () => {
    await expect(renderCurrentRuleset("no-such-node")).rejects.toThrow(/No node named/);
  });
});
