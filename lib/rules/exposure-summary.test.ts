import { describe, expect, it } from "vitest";

import { DEFAULT_EXPOSURE, effectiveExposure, type Exposure } from "@/lib/validation/exposure";

import { formatExposureRow, summarizeExposure, type ExposurePorts } from "./exposure-summary";

const ports: ExposurePorts = { sshPorts: [22], webPorts: [443, 80], sipPorts: [5061, 5060, 5060], sipTransports: ["UDP", "TLS"], rtpPortMin: 10000, rtpPortMax: 20000 };

function rowOf(exposure: Exposure, service: string, withPorts: ExposurePorts = ports) {
  const row = summarizeExposure(exposure, withPorts).find((r) => r.service === service);
  if (!row) throw new Error(`no ${service} row`);
  return row;
}

describe("summarizeExposure", () => {
  it("words the default policy service by service, ports sorted and deduplicated", () => {
    const lines = summarizeExposure(DEFAULT_EXPOSURE, ports).map(formatExposureRow);
    expect(lines).toEqual([
      "SIP 5060, 5061 udp/tcp → everyone (after blocklist, bans, GeoIP, scanner and rate limits)",
      "RTP 10000–20000 udp → everyone (after blocklist, bans and GeoIP)",
      "SSH 22 tcp → management networks and the panel (at most 6 new connections a minute per management source; the panel is not limited)",
      "Web UI 80, 443 tcp → management networks and the panel",
      "AMI 5038 tcp → management networks and the panel",
      "ICMP echo request → everyone (after blocklist, bans and GeoIP)",
      "Port scans tcp NULL, XMAS, SYN+FIN, SYN+RST, FIN without ACK, new without SYN → dropped (the panel and management networks on management ports are accepted before this check)",
      "Whitelist (scope ALL) every port → trusted with everything, ahead of the blocklist",
      "Everything else → dropped",
    ]);
  });

  it("SIP and RTP for allowed networks only name who is allowed", () => {
    const exposure = { ...DEFAULT_EXPOSURE, sipFrom: "ALLOWED", rtpFrom: "ALLOWED" } as const;
    expect(rowOf(exposure, "SIP")).toMatchObject({ reach: "ALLOWED", who: expect.stringContaining("tenant networks in force and management networks") });
    expect(rowOf(exposure, "RTP").reach).toBe("ALLOWED");
    expect(rowOf(exposure, "SIP").who).not.toContain("everyone");
  });

  it("SIP over TCP alone says tcp; no SIP ports means no SIP row", () => {
    expect(rowOf(DEFAULT_EXPOSURE, "SIP", { ...ports, sipTransports: ["TCP"] }).ports).toBe("5060, 5061 tcp");
    expect(summarizeExposure(DEFAULT_EXPOSURE, { ...ports, sipPorts: [] }).some((r) => r.service === "SIP")).toBe(false);
  });

  it("the SSH limit is worded or left out", () => {
    expect(rowOf({ ...DEFAULT_EXPOSURE, sshNewPerMinute: 1 }, "SSH").who).toContain("at most 1 new connection a minute");
    expect(rowOf({ ...DEFAULT_EXPOSURE, sshNewPerMinute: null }, "SSH").who).toBe("management networks and the panel");
  });

  it("the web UI can be opened to tenant networks or to everyone", () => {
    expect(rowOf({ ...DEFAULT_EXPOSURE, webFrom: "WORLD" }, "Web UI")).toMatchObject({ reach: "EVERYONE", ports: "80, 443 tcp" });
    expect(rowOf({ ...DEFAULT_EXPOSURE, webFrom: "ALLOWED" }, "Web UI")).toMatchObject({ reach: "ALLOWED", who: expect.stringContaining("tenant networks") });
    expect(rowOf(DEFAULT_EXPOSURE, "Web UI").reach).toBe("MANAGEMENT");
  });

  it("declared extra ports appear as management-only rows, absent lists leave no row", () => {
    const rows = summarizeExposure({ ...DEFAULT_EXPOSURE, amiPorts: [], extraTcpPorts: [8089, 4569], extraUdpPorts: [4569] }, ports);
    expect(rows.some((r) => r.service === "AMI")).toBe(false);
    expect(rows.find((r) => r.service === "Extra TCP")).toMatchObject({ ports: "4569, 8089 tcp", reach: "MANAGEMENT" });
    expect(rows.find((r) => r.service === "Extra UDP")).toMatchObject({ ports: "4569 udp", reach: "MANAGEMENT" });
  });

  it("ICMP echo off is nobody; port-scan drops off leave no row", () => {
    const rows = summarizeExposure({ ...DEFAULT_EXPOSURE, icmpEcho: false, dropPortScans: false }, ports);
    expect(rows.find((r) => r.service === "ICMP")).toMatchObject({ reach: "NOBODY", who: expect.stringMatching(/^nobody/) });
    expect(rows.some((r) => r.service === "Port scans")).toBe(false);
  });

  it("REJECT is worded as rejected", () => {
    expect(rowOf({ ...DEFAULT_EXPOSURE, finalAction: "REJECT" }, "Everything else")).toMatchObject({ reach: "NOBODY", who: expect.stringMatching(/^rejected/) });
  });

  it("RETURN says there is no default deny, and management-only services are only management-only inside Rampart", () => {
    const exposure = { ...DEFAULT_EXPOSURE, finalAction: "RETURN", sipFrom: "ALLOWED" } as const;
    expect(rowOf(exposure, "Everything else")).toMatchObject({ reach: "NODE_POLICY", who: "left to the node's own INPUT policy (no default deny)" });
    for (const service of ["SSH", "AMI", "Web UI", "SIP"]) expect(rowOf(exposure, service).who).toContain("everyone else: left to the node's own INPUT policy");
    // A service open to everyone needs no such note.
    expect(rowOf(exposure, "RTP").who).not.toContain("INPUT policy");
    expect(rowOf(DEFAULT_EXPOSURE, "SSH").who).not.toContain("INPUT policy");
  });

  it("a node's override changes its rows and only the fields it sets", () => {
    const node = effectiveExposure(DEFAULT_EXPOSURE, { sipFrom: "ALLOWED", finalAction: "REJECT" });
    const cluster = summarizeExposure(DEFAULT_EXPOSURE, ports);
    const rows = summarizeExposure(node, ports);
    expect(rows.find((r) => r.service === "SIP")!.reach).toBe("ALLOWED");
    expect(rows.find((r) => r.service === "Everything else")!.who).toMatch(/^rejected/);
    expect(rows.find((r) => r.service === "SSH")).toEqual(cluster.find((r) => r.service === "SSH"));
  });

  it("is deterministic and leaves its inputs alone", () => {
    const input = structuredClone(ports);
    const exposure = structuredClone({ ...DEFAULT_EXPOSURE, extraTcpPorts: [9000, 8000] });
    expect(summarizeExposure(exposure, input)).toEqual(summarizeExposure(exposure, input));
    expect(input).toEqual(ports);
    expect(exposure.extraTcpPorts).toEqual([9000, 8000]);
  });
});
