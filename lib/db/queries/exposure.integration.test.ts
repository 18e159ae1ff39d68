import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";

import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { DEFAULT_EXPOSURE, type Exposure } from "@/lib/validation/exposure";
import { PANEL_ADDRESSES_MAX } from "@/lib/validation/panel-addresses";

import {
  getExposure,
  getExposureOverview,
  getNodeExposureOverride,
  getPanelAddresses,
  setNodeExposureOverride,
  setPanelAddresses,
  updateExposure,
} from "./exposure";

function callerOf(role: Role): Caller {
  return { role, tenantId: null, actor: { type: "USER", id: randomUUID(), label: `exposure-it-${randomUUID()}@example.test`, ip: "192.0.2.7" } };
}

async function auditOf(caller: Caller) {
  return getDb().auditLog.findMany({ where: { actorLabel: caller.actor.label }, orderBy: { id: "asc" } });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function expectAppError(error: unknown, code: string): AppError {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

// The singletons are shared by every test file of the run: what this file changes is restored afterwards.
const admin = callerOf("ADMIN");
let original: { exposure: Exposure; panelAddresses: string[] };
let nodeId: string;
let nodeName: string;

beforeAll(async () => {
  original = { exposure: await getExposure(admin), panelAddresses: (await getPanelAddresses(admin)).configured };
  nodeName = `exposure-it-${randomUUID().slice(0, 8)}`;
  const node = await getDb().node.create({ data: { name: nodeName, host: "192.0.2.50", sshUser: "root", panelAddress: "198.51.100.4", panelAddressSeenAt: new Date("2026-12-01T10:00:00Z") } });
  nodeId = node.id;
}, 60_000);

afterAll(async () => {
  await getDb().node.deleteMany({ where: { id: nodeId } });
  await updateExposure(admin, original.exposure);
  await setPanelAddresses(admin, original.panelAddresses);
});

describe("cluster exposure policy", () => {
  it("reads for a viewer and is written by administrators only", async () => {
    expect(Object.keys(await getExposure(callerOf("VIEWER"))).sort()).toEqual(Object.keys(DEFAULT_EXPOSURE).sort());
    expectAppError(await rejection(getExposure(callerOf("TENANT_ADMIN"))), "FORBIDDEN");
    const operator = callerOf("OPERATOR");
    expectAppError(await rejection(updateExposure(operator, DEFAULT_EXPOSURE)), "FORBIDDEN");
    expect(await auditOf(operator)).toEqual([]);
  });

  it("stores a valid policy with sorted ports and audits before and after; an unchanged write is not audited", async () => {
    const caller = callerOf("ADMIN");
    await updateExposure(caller, DEFAULT_EXPOSURE);
    const before = await getExposure(caller);
    const next: Exposure = { ...DEFAULT_EXPOSURE, sipFrom: "ALLOWED", extraTcpPorts: [8089, 4569], extraUdpPorts: [4569], icmpEcho: false, sshNewPerMinute: null, finalAction: "REJECT" };
    const saved = await updateExposure(caller, next);
    expect(saved.extraTcpPorts).toEqual([4569, 8089]);
    expect(await getExposure(caller)).toEqual(saved);
    const rows = (await auditOf(caller)).filter((r) => r.action === "settings.exposure.update");
    expect(rows.at(-1)).toMatchObject({ objectType: "exposure-policy", objectId: "1", before, after: saved });
    const count = rows.length;
    await updateExposure(caller, { ...next, extraTcpPorts: [8089, 4569] });
    expect((await auditOf(caller)).filter((r) => r.action === "settings.exposure.update")).toHaveLength(count);
  });

  it("refuses invalid values with the schema's messages", async () => {
    const error = await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, sipFrom: "MANAGEMENT" }));
    expect(error).toBeInstanceOf(ZodError);
    expect(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, amiPorts: [5038, 5038] }))).toBeInstanceOf(ZodError);
    expect(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, surprise: true }))).toBeInstanceOf(ZodError);
  });

  it("refuses a management-only port the rest of the policy opens (422 on the field), and writes nothing", async () => {
    await updateExposure(admin, DEFAULT_EXPOSURE);
    const rate = await getDb().rateLimitSettings.findUniqueOrThrow({ where: { id: 1 } });
    const platform = await getDb().platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    const sip = expectAppError(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, amiPorts: [rate.sipPorts[0]!] })), "VALIDATION");
    expect(sip.status).toBe(422);
    expect(sip.fieldErrors?.amiPorts?.[0]).toContain(`Port ${rate.sipPorts[0]} is a SIP port`);
    const ssh = expectAppError(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, extraTcpPorts: [platform.sshPorts[0]!] })), "VALIDATION");
    expect(ssh.fieldErrors?.extraTcpPorts?.[0]).toContain("already an SSH port");
    const rtp = expectAppError(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, extraUdpPorts: [rate.rtpPortMin] })), "VALIDATION");
    expect(rtp.fieldErrors?.extraUdpPorts?.[0]).toContain("inside the RTP range");
    expect(await getExposure(admin)).toEqual(DEFAULT_EXPOSURE);
  });
});

describe("a node's override", () => {
  it("round-trips: set, read with the effective policy and summary, clear; each change audited", async () => {
    const caller = callerOf("ADMIN");
    await updateExposure(admin, DEFAULT_EXPOSURE);
    const initial = await getNodeExposureOverride(callerOf("VIEWER"), nodeName);
    expect(initial).toMatchObject({ nodeId, override: null, overrideProblem: null, effective: DEFAULT_EXPOSURE });

    const set = await setNodeExposureOverride(caller, nodeId, { finalAction: "RETURN", extraTcpPorts: [9001, 9000] });
    expect(set.override).toEqual({ finalAction: "RETURN", extraTcpPorts: [9000, 9001] });
    expect(set.effective).toEqual({ ...DEFAULT_EXPOSURE, finalAction: "RETURN", extraTcpPorts: [9000, 9001] });
    expect(set.summary.find((r) => r.service === "Everything else")?.reach).toBe("NODE_POLICY");
    expect(await getNodeExposureOverride(caller, nodeId)).toEqual(set);

    const overview = await getExposureOverview(caller);
    expect(overview.nodes.find((n) => n.nodeId === nodeId)?.override).toEqual(set.override);

    const cleared = await setNodeExposureOverride(caller, nodeName, null);
    expect(cleared.override).toBeNull();
    expect((await getDb().node.findUniqueOrThrow({ where: { id: nodeId } })).exposureOverride).toBeNull();
    // An empty override means none.
    expect((await setNodeExposureOverride(caller, nodeId, {})).override).toBeNull();

    const rows = await auditOf(caller);
    expect(rows.map((r) => r.action)).toEqual(["node.exposure-override.update", "node.exposure-override.clear"]);
    expect(rows[0]).toMatchObject({ objectType: "node", objectId: nodeId, before: { exposureOverride: null }, after: { exposureOverride: { finalAction: "RETURN", extraTcpPorts: [9000, 9001] } } });
  });

  it("is ADMIN-only, validated, conflict-checked, and answers 404 for an unknown node", async () => {
    expectAppError(await rejection(setNodeExposureOverride(callerOf("OPERATOR"), nodeId, { icmpEcho: false })), "FORBIDDEN");
    expect(await rejection(setNodeExposureOverride(admin, nodeId, { icmpEcho: "no" }))).toBeInstanceOf(ZodError);
    expect(await rejection(setNodeExposureOverride(admin, nodeId, { unknown: 1 }))).toBeInstanceOf(ZodError);
    const rate = await getDb().rateLimitSettings.findUniqueOrThrow({ where: { id: 1 } });
    const conflict = expectAppError(await rejection(setNodeExposureOverride(admin, nodeId, { extraUdpPorts: [rate.sipPorts[0]!] })), "VALIDATION");
    expect(conflict.fieldErrors?.extraUdpPorts).toBeDefined();
    expectAppError(await rejection(setNodeExposureOverride(admin, randomUUID(), { icmpEcho: false })), "NOT_FOUND");
    expectAppError(await rejection(getNodeExposureOverride(admin, "no-such-node")), "NOT_FOUND");
  });

  it("a cluster change that conflicts with a node's override is refused and names the node", async () => {
    await updateExposure(admin, DEFAULT_EXPOSURE);
    await setNodeExposureOverride(admin, nodeId, { amiPorts: [7777] });
    try {
      const error = expectAppError(await rejection(updateExposure(admin, { ...DEFAULT_EXPOSURE, extraTcpPorts: [7777] })), "VALIDATION");
      expect(error.message).toContain(`node ${nodeName}`);
      expect(error.fieldErrors?.extraTcpPorts?.[0]).toContain("already an AMI port");
    } finally {
      await setNodeExposureOverride(admin, nodeId, null);
    }
  });

  it("reports a stored override that no longer parses instead of failing the page", async () => {
    await getDb().node.update({ where: { id: nodeId }, data: { exposureOverride: { finalAction: "ACCEPT" } } });
    try {
      const view = await getNodeExposureOverride(admin, nodeId);
      expect(view.override).toBeNull();
      expect(view.overrideProblem).toContain("not valid");
    } finally {
      await setNodeExposureOverride(admin, nodeId, null);
    }
  });
});

describe("panel addresses", () => {
  it("are canonicalised, merged, sorted and audited; nodes' discovered addresses are listed read-only", async () => {
    const caller = callerOf("ADMIN");
    await setPanelAddresses(admin, []);
    const saved = await setPanelAddresses(caller, ["2001:DB8:0:0::7", "198.51.100.9/32", " 192.0.2.0/28 ", "198.51.100.9"]);
    expect(saved.configured).toEqual(["192.0.2.0/28", "198.51.100.9", "2001:db8::7"]);
    expect((await getDb().platformSettings.findUniqueOrThrow({ where: { id: 1 } })).panelAddresses).toEqual(saved.configured);
    expect(saved.discovered.find((d) => d.nodeId === nodeId)).toMatchObject({ nodeName, address: "198.51.100.4", seenAt: new Date("2026-12-01T10:00:00Z") });
    const rows = await auditOf(caller);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "settings.panel-addresses.update", before: { panelAddresses: [] }, after: { panelAddresses: saved.configured } });
    await setPanelAddresses(caller, ["198.51.100.9", "2001:db8::7", "192.0.2.0/28"]);
    expect(await auditOf(caller)).toHaveLength(1);
  });

  it("refuses invalid, /0, over-broad and too many entries, per entry, and stores nothing", async () => {
    await setPanelAddresses(admin, ["192.0.2.1"]);
    for (const [input, key, text] of [
      [["192.0.2.1", "010.0.0.1"], "addresses.1", "leading zero"],
      [["0.0.0.0/0"], "addresses.0", "/0"],
      [["16.0.0.0/4"], "addresses.0", "too broad"],
      [["192.0.2.1/24"], "addresses.0", ""],
      [["panel.example.com"], "addresses.0", ""],
      [[42], "addresses.0", "must be text"],
    ] as const) {
      const error = expectAppError(await rejection(setPanelAddresses(admin, input)), "VALIDATION");
      expect(error.fieldErrors?.[key]?.[0], JSON.stringify(input)).toBeDefined();
      if (text) expect(error.fieldErrors?.[key]?.join(" ").toLowerCase()).toContain(text.toLowerCase());
    }
    expectAppError(await rejection(setPanelAddresses(admin, "192.0.2.1")), "VALIDATION");
    const tooMany = Array.from({ length: PANEL_ADDRESSES_MAX + 1 }, (_, i) => `192.0.2.${i}`);
    expect(expectAppError(await rejection(setPanelAddresses(admin, tooMany)), "VALIDATION").fieldErrors?.addresses).toBeDefined();
    expect((await getPanelAddresses(admin)).configured).toEqual(["192.0.2.1"]);
  });

  it("are written by administrators only", async () => {
    expectAppError(await rejection(setPanelAddresses(callerOf("OPERATOR"), ["192.0.2.1"])), "FORBIDDEN");
    expectAppError(await rejection(getPanelAddresses(callerOf("TENANT_ADMIN"))), "FORBIDDEN");
  });
});
