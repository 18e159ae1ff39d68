import { describe, expect, it } from "vitest";

import { DEFAULT_EXPOSURE, exposureOverrideSchema, exposureSchema } from "@/lib/validation/exposure";

import { exposureFromForm, overrideFromForm } from "./form-data";

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
}

describe("exposureFromForm", () => {
  it("reads the cluster form into a value the schema accepts, unticked boxes as false and no SSH limit", () => {
    const value = exposureFromForm(form({ sipFrom: "ALLOWED", rtpFrom: "WORLD", webFrom: "MANAGEMENT", amiPorts: "5038", extraTcpPorts: "8089, 4569", extraUdpPorts: "", sshNewPerMinute: "6", finalAction: "REJECT" }));
    expect(exposureSchema.parse(value)).toEqual({ ...DEFAULT_EXPOSURE, sipFrom: "ALLOWED", extraTcpPorts: [8089, 4569], icmpEcho: false, dropPortScans: false, sshNewPerMinute: null, finalAction: "REJECT" });
  });

  it("an emptied SSH limit while limited is an error, not 'no limit'; a typo in a port list is named", () => {
    const result = exposureSchema.safeParse(exposureFromForm(form({ sipFrom: "WORLD", rtpFrom: "WORLD", webFrom: "WORLD", amiPorts: "50x", finalAction: "DROP", sshLimited: "on", sshNewPerMinute: "" })));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["amiPorts.0", "sshNewPerMinute"]));
  });
});

describe("overrideFromForm", () => {
  it("leaves out every field at 'as the cluster'", () => {
    expect(overrideFromForm(form({ sipFrom: "", rtpFrom: "", webFrom: "", finalAction: "", icmpEcho: "", dropPortScans: "", sshNewPerMinute: "", amiPorts: "9999" }))).toEqual({});
  });

  it("sets the fields chosen: selects, on/off, ticked port lists, off or a number for SSH", () => {
    const value = overrideFromForm(
      form({ sipFrom: "ALLOWED", finalAction: "RETURN", icmpEcho: "off", dropPortScans: "on", sshNewPerMinute: "off", amiPortsOverridden: "on", amiPorts: "", extraTcpPortsOverridden: "on", extraTcpPorts: "9000" }),
    );
    expect(exposureOverrideSchema.parse(value)).toEqual({ sipFrom: "ALLOWED", finalAction: "RETURN", icmpEcho: false, dropPortScans: true, sshNewPerMinute: null, amiPorts: [], extraTcpPorts: [9000] });
    expect(overrideFromForm(form({ sshNewPerMinute: "3" }))).toEqual({ sshNewPerMinute: 3 });
  });

  it("passes a forged value on for the schema to refuse", () => {
    expect(exposureOverrideSchema.safeParse(overrideFromForm(form({ icmpEcho: "maybe", finalAction: "ACCEPT" }))).success).toBe(false);
  });
});
