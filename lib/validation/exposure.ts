/**
 * The exposure policy: which services of a node are open to whom, and what Rampart's chain does with
 * everything else. One cluster-wide policy (the exposure_policy row) and an optional per-node override (a
 * partial of the same object, nodes.exposure_override); the effective policy of a node is the cluster's with
 * the override's fields laid over it (`effectiveExposure`).
 *
 * Audiences:
 *  - WORLD: everyone, still subject to the blocklist, bans, GeoIP and the SIP filters;
 *  - ALLOWED: whitelist entries of scope ALL or SIP, tenant networks in force and management networks (the web UI:
 *    scope ALL, tenant networks and management networks);
 *  - MANAGEMENT: management networks and the panel only.
 * SSH, AMI and the declared extra ports are always MANAGEMENT; the PBX web UI (platform web ports) may be opened
 * wider. The final action DROP or REJECT is the default deny the seeds' firewalls end with; RETURN leaves the
 * decision to the node's own INPUT policy (no default deny) and is labelled so everywhere.
 */
import { z } from "zod";

import { PORT_LIMITS, portSchema } from "./ports";

export const EXPOSURE_AUDIENCES = ["WORLD", "ALLOWED", "MANAGEMENT"] as const;
export type ExposureAudience = (typeof EXPOSURE_AUDIENCES)[number];
export const FINAL_ACTIONS = ["DROP", "REJECT", "RETURN"] as const;
export type FinalAction = (typeof FINAL_ACTIONS)[number];

export const SSH_NEW_PER_MINUTE_RANGE = { min: 1, max: 600 } as const;

const audience = (what: string, allowed: readonly ExposureAudience[] = EXPOSURE_AUDIENCES) =>
  z.enum(allowed as [ExposureAudience, ...ExposureAudience[]], { error: `${what} must be one of ${allowed.join(", ")}.` });

function portList(what: string) {
  return z
    .array(portSchema)
    .max(PORT_LIMITS.maxPortsPerList, `At most ${PORT_LIMITS.maxPortsPerList} ${what} ports.`)
    .superRefine((values, ctx) => {
      const seen = new Set<number>();
      values.forEach((value, index) => {
        if (seen.has(value)) ctx.addIssue({ code: "custom", message: `Duplicate port: ${value}.`, path: [index] });
        seen.add(value);
      });
    });
}

const exposureShape = {
  /** SIP signalling: to everyone, or to allowed networks only (MiRTA's "SIP only from allowed IPs"). */
  sipFrom: audience("SIP exposure", ["WORLD", "ALLOWED"]),
  rtpFrom: audience("RTP exposure", ["WORLD", "ALLOWED"]),
  webFrom: audience("Web UI exposure"),
  amiPorts: portList("AMI"),
  extraTcpPorts: portList("extra TCP"),
  extraUdpPorts: portList("extra UDP"),
  icmpEcho: z.boolean({ error: "ICMP echo must be true or false." }),
  dropPortScans: z.boolean({ error: "Port-scan drops must be true or false." }),
  sshNewPerMinute: z
    .number({ error: "SSH attempt limit must be a number or null." })
    .int("SSH attempt limit must be a whole number.")
    .min(SSH_NEW_PER_MINUTE_RANGE.min, `SSH attempt limit must be ${SSH_NEW_PER_MINUTE_RANGE.min} to ${SSH_NEW_PER_MINUTE_RANGE.max} per minute, or null for none.`)
    .max(SSH_NEW_PER_MINUTE_RANGE.max, `SSH attempt limit must be ${SSH_NEW_PER_MINUTE_RANGE.min} to ${SSH_NEW_PER_MINUTE_RANGE.max} per minute, or null for none.`)
    .nullable(),
  finalAction: z.enum(FINAL_ACTIONS, { error: "Final action must be DROP, REJECT or RETURN." }),
};

export const exposureSchema = z.strictObject(exposureShape);
export type Exposure = z.output<typeof exposureSchema>;

/** A node's override: any subset of the fields; an empty object means "no override". */
export const exposureOverrideSchema = z.strictObject({
  sipFrom: exposureShape.sipFrom.optional(),
  rtpFrom: exposureShape.rtpFrom.optional(),
  webFrom: exposureShape.webFrom.optional(),
  amiPorts: exposureShape.amiPorts.optional(),
  extraTcpPorts: exposureShape.extraTcpPorts.optional(),
  extraUdpPorts: exposureShape.extraUdpPorts.optional(),
  icmpEcho: exposureShape.icmpEcho.optional(),
  dropPortScans: exposureShape.dropPortScans.optional(),
  sshNewPerMinute: exposureShape.sshNewPerMinute.optional(),
  finalAction: exposureShape.finalAction.optional(),
});
export type ExposureOverride = z.output<typeof exposureOverrideSchema>;

export const DEFAULT_EXPOSURE: Exposure = {
  sipFrom: "WORLD",
  rtpFrom: "WORLD",
  webFrom: "MANAGEMENT",
  amiPorts: [5038],
  extraTcpPorts: [],
  extraUdpPorts: [],
  icmpEcho: true,
  dropPortScans: true,
  sshNewPerMinute: 6,
  finalAction: "DROP",
};

/** The cluster's policy with a node's override laid over it (fields the override leaves out are the cluster's). */
export function effectiveExposure(cluster: Exposure, override: ExposureOverride | null | undefined): Exposure {
  if (!override) return cluster;
  const out: Record<string, unknown> = { ...cluster };
  for (const [key, value] of Object.entries(override)) if (value !== undefined) out[key] = value;
  return out as Exposure;
}

/**
 * Checks across the exposure policy and the ports the rest of the policy uses: a management-only port that is
 * also a SIP port, inside the RTP range or a web port would be both open and closed. Messages name the port.
 */
export function exposurePortConflicts(
  exposure: Exposure,
  ports: { sshPorts: readonly number[]; webPorts: readonly number[]; sipPorts: readonly number[]; rtpPortMin: number; rtpPortMax: number },
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const [path, list] of [["amiPorts", exposure.amiPorts], ["extraTcpPorts", exposure.extraTcpPorts]] as const) {
    for (const port of list) {
      if (ports.sipPorts.includes(port)) issues.push({ path, message: `Port ${port} is a SIP port; it cannot also be management-only.` });
      else if (ports.sshPorts.includes(port)) issues.push({ path, message: `Port ${port} is already an SSH port.` });
      else if (ports.webPorts.includes(port)) issues.push({ path, message: `Port ${port} is already a web UI port.` });
    }
  }
  for (const port of exposure.extraUdpPorts) {
    if (ports.sipPorts.includes(port)) issues.push({ path: "extraUdpPorts", message: `Port ${port} is a SIP port; it cannot also be management-only.` });
    else if (port >= ports.rtpPortMin && port <= ports.rtpPortMax) {
      issues.push({ path: "extraUdpPorts", message: `Port ${port} lies inside the RTP range ${ports.rtpPortMin}–${ports.rtpPortMax}.` });
    }
  }
  const dup = exposure.extraTcpPorts.filter((p) => exposure.amiPorts.includes(p));
  if (dup.length > 0) issues.push({ path: "extraTcpPorts", message: `Port ${dup.join(", ")} is already an AMI port.` });
  return issues;
}
