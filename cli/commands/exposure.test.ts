import { describe, expect, it } from "vitest";

import { DEFAULT_EXPOSURE, exposureOverrideSchema, exposureSchema } from "@/lib/validation/exposure";
import { UsageError } from "../context";
import { exposureChangesFromOptions, formatExposure } from "./exposure";

describe("exposure set options", () => {
  it("maps every option to its field, upper-casing enum values and reading on/off, none and off", () => {
    const changes = exposureChangesFromOptions({
      "sip-from": "allowed",
      "rtp-from": "WORLD",
      "web-from": "management",
      "ami-ports": "5038, 5039",
      "extra-tcp-ports": "none",
      "extra-udp-ports": "4569",
      "icmp-echo": "off",
      "port-scan-drops": "ON",
      "ssh-limit": "off",
      final: "reject",
    });
    expect(changes).toEqual({
      sipFrom: "ALLOWED",
      rtpFrom: "WORLD",
      webFrom: "MANAGEMENT",
      amiPorts: [5038, 5039],
      extraTcpPorts: [],
      extraUdpPorts: [4569],
      icmpEcho: false,
      dropPortScans: true,
      sshNewPerMinute: null,
      finalAction: "REJECT",
    });
    expect(exposureSchema.safeParse(changes).success).toBe(true);
  });

  it("sets only the fields given, so a node override stays partial", () => {
    const changes = exposureChangesFromOptions({ "ssh-limit": "3" });
    expect(changes).toEqual({ sshNewPerMinute: 3 });
    expect(exposureOverrideSchema.parse(changes)).toEqual({ sshNewPerMinute: 3 });
  });

  it("refuses on/off typos as usage errors and leaves bad numbers and names to the schema", () => {
    expect(() => exposureChangesFromOptions({ "icmp-echo": "yes" })).toThrow(UsageError);
    const bad = exposureChangesFromOptions({ "ami-ports": "50x", "ssh-limit": "0x10", final: "ACCEPT" });
    const result = exposureOverrideSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(["amiPorts", "finalAction", "sshNewPerMinute"]);
  });

  it("prints a policy one field a line and a partial override with only its fields", () => {
    expect(formatExposure(DEFAULT_EXPOSURE)).toContain("ssh-limit        6/minute");
    expect(formatExposure({ finalAction: "RETURN", extraTcpPorts: [] })).toEqual(["extra-tcp-ports  none", "final            RETURN (no default deny)"]);
  });
});
