import { describe, expect, it } from "vitest";

import { renderLabGeoCsv } from "./geo";
import { ATTACKER_NETWORK, findEndpoint, isLabAddress, MAX_NODES, planTopology } from "./topology";

describe("planTopology", () => {
  it("lays out nodes from 198.18.0.10 and the attacker in 198.18.1.0/24", () => {
    const t = planTopology(3);
    expect(t.panelAddress).toBe("198.18.0.1");
    expect(t.nodes.map((n) => [n.name, n.namespace, n.address, n.hostVeth])).toEqual([
      ["node1", "rampart-lab-node1", "198.18.0.10", "rlab-n1"],
      ["node2", "rampart-lab-node2", "198.18.0.11", "rlab-n2"],
      ["node3", "rampart-lab-node3", "198.18.0.12", "rlab-n3"],
    ]);
    expect(t.attacker.addresses).toEqual(["198.18.1.10", "198.18.1.11", "198.18.1.12"]);
    expect(ATTACKER_NETWORK).toBe("198.18.1.0/24");
  });

  it("keeps every address in 198.18.0.0/15, every name unique and every interface name within IFNAMSIZ", () => {
    const t = planTopology(MAX_NODES);
    const endpoints = [...t.nodes, t.attacker, t.carrier, t.phones];
    const addresses = endpoints.flatMap((e) => e.addresses);
    expect(addresses.every(isLabAddress)).toBe(true);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(new Set(endpoints.map((e) => e.namespace)).size).toBe(endpoints.length);
    expect(endpoints.every((e) => e.hostVeth.length <= 15)).toBe(true);
    expect(t.bridge.length).toBeLessThanOrEqual(15);
    expect(t.nodes.at(-1)?.address).toBe("198.18.0.209");
  });

  it("rejects counts outside 1..MAX_NODES", () => {
    for (const bad of [0, -1, 1.5, MAX_NODES + 1, Number.NaN]) expect(() => planTopology(bad)).toThrow(/--nodes/);
  });

  it("finds endpoints by short or namespace name", () => {
    const t = planTopology(2);
    expect(findEndpoint(t, "node2")?.namespace).toBe("rampart-lab-node2");
    expect(findEndpoint(t, "rampart-lab-attacker")?.name).toBe("attacker");
    expect(findEndpoint(t, "node9")).toBeUndefined();
    expect(findEndpoint(t, "carrier")?.addresses).toEqual(["198.18.0.250"]);
    expect(findEndpoint(t, "phones")?.addresses).toEqual(["198.18.0.240"]);
  });

  it("recognises only lab addresses", () => {
    expect(isLabAddress("198.19.255.255")).toBe(true);
    expect(isLabAddress("198.20.0.1")).toBe(false);
    expect(isLabAddress("10.0.0.1")).toBe(false);
  });
});

describe("renderLabGeoCsv", () => {
  it("maps the node range to CH and the attacker range to KP in both upstream shapes", () => {
    expect(renderLabGeoCsv()).toEqual({
      ipv4: "198.18.0.0,198.18.0.255,CH\n198.18.1.0,198.18.1.255,KP\n",
      ipv4Num: "3323068416,3323068671,CH\n3323068672,3323068927,KP\n",
    });
  });
});
