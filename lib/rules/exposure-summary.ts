import type { Exposure } from "@/lib/validation/exposure";
import type { SipTransport } from "@/lib/validation/policy";

/**
 * What a node exposes under an (effective) exposure policy, in words: one row per service, "service →
 * protocol/ports → who may reach it", for the exposure page, the node page, the API and the CLI. It restates
 * the rule order of compile.ts (buildChains) and nothing more: the panel and the management networks are
 * accepted on the management ports before anything drops, whitelist entries of scope ALL before the blocklist,
 * SIP and RTP are opened to everyone or to the allowed networks after the blocklist, bans, GeoIP and the SIP
 * filters, and the final action decides the rest. Where the final action is RETURN, "management only" means
 * only that Rampart accepts no one else: the node's own INPUT policy decides for everyone else, and the rows
 * say so. Pure and deterministic: ports sorted and deduplicated, no clock, no environment.
 */

export interface ExposurePorts {
  sshPorts: readonly number[];
  webPorts: readonly number[];
  sipPorts: readonly number[];
  sipTransports: readonly SipTransport[];
  rtpPortMin: number;
  rtpPortMax: number;
}

/** Who a row reaches, for badges: EVERYONE, ALLOWED networks, MANAGEMENT (and the panel), NOBODY, or the node's own policy. */
export type ExposureReach = "EVERYONE" | "ALLOWED" | "MANAGEMENT" | "NOBODY" | "NODE_POLICY";

export interface ExposureSummaryRow {
  /** "SIP", "RTP", "SSH", "Web UI", "AMI", "Extra TCP", "Extra UDP", "ICMP", "Port scans", "Whitelist (scope ALL)", "Everything else". */
  service: string;
  /** "5060, 5061 udp/tcp", "10000–20000 udp", "echo request", "every port"; empty for "Everything else". */
  ports: string;
  reach: ExposureReach;
  who: string;
}

const MANAGEMENT = "management networks and the panel";
const ALLOWED_NETWORKS = "whitelist entries of scope ALL or SIP, tenant networks in force and management networks";
const NODE_POLICY_TAIL = "; everyone else: left to the node's own INPUT policy";

const sortedUnique = (ports: readonly number[]) => [...new Set(ports)].sort((a, b) => a - b);
const portText = (ports: readonly number[]) => sortedUnique(ports).join(", ");

function sipProtocols(transports: readonly SipTransport[]): string {
  const protocols: string[] = [];
  if (transports.includes("UDP")) protocols.push("udp");
  if (transports.includes("TCP") || transports.includes("TLS")) protocols.push("tcp");
  return protocols.join("/");
}

/** The rows for one node's effective exposure, in the order a reader checks them; deterministic. */
export function summarizeExposure(exposure: Exposure, ports: ExposurePorts): ExposureSummaryRow[] {
  const isReturn = exposure.finalAction === "RETURN";
  const closedTail = isReturn ? NODE_POLICY_TAIL : "";
  const rows: ExposureSummaryRow[] = [];
  const managementRow = (service: string, list: readonly number[], protocol: "tcp" | "udp", extra = "") => {
    if (list.length === 0) return;
    rows.push({ service, ports: `${portText(list)} ${protocol}`, reach: "MANAGEMENT", who: `${MANAGEMENT}${extra}${closedTail}` });
  };

  const sipProtocolText = sipProtocols(ports.sipTransports);
  if (ports.sipPorts.length > 0 && sipProtocolText !== "") {
    rows.push(
      exposure.sipFrom === "WORLD"
        ? { service: "SIP", ports: `${portText(ports.sipPorts)} ${sipProtocolText}`, reach: "EVERYONE", who: "everyone (after blocklist, bans, GeoIP, scanner and rate limits)" }
        : {
            service: "SIP",
            ports: `${portText(ports.sipPorts)} ${sipProtocolText}`,
            reach: "ALLOWED",
            who: `${ALLOWED_NETWORKS} (after blocklist, bans, GeoIP and scanner signatures)${closedTail}`,
          },
    );
  }
  const rtpPorts = `${ports.rtpPortMin}–${ports.rtpPortMax} udp`;
  rows.push(
    exposure.rtpFrom === "WORLD"
      ? { service: "RTP", ports: rtpPorts, reach: "EVERYONE", who: "everyone (after blocklist, bans and GeoIP)" }
      : { service: "RTP", ports: rtpPorts, reach: "ALLOWED", who: `${ALLOWED_NETWORKS} (after blocklist, bans and GeoIP)${closedTail}` },
  );

  const sshLimit =
    exposure.sshNewPerMinute === null
      ? ""
      : ` (at most ${exposure.sshNewPerMinute} new ${exposure.sshNewPerMinute === 1 ? "connection" : "connections"} a minute per management source; the panel is not limited)`;
  managementRow("SSH", ports.sshPorts, "tcp", sshLimit);

  if (ports.webPorts.length > 0) {
    const webPorts = `${portText(ports.webPorts)} tcp`;
    if (exposure.webFrom === "WORLD") {
      rows.push({ service: "Web UI", ports: webPorts, reach: "EVERYONE", who: "everyone (after blocklist, web bans and GeoIP)" });
    } else if (exposure.webFrom === "ALLOWED") {
      rows.push({ service: "Web UI", ports: webPorts, reach: "ALLOWED", who: `${MANAGEMENT}; tenant networks in force too (after blocklist, web bans and GeoIP)${closedTail}` });
    } else {
      managementRow("Web UI", ports.webPorts, "tcp");
    }
  }
  managementRow("AMI", exposure.amiPorts, "tcp");
  managementRow("Extra TCP", exposure.extraTcpPorts, "tcp");
  managementRow("Extra UDP", exposure.extraUdpPorts, "udp");

  rows.push(
    exposure.icmpEcho
      ? { service: "ICMP", ports: "echo request", reach: "EVERYONE", who: "everyone (after blocklist, bans and GeoIP)" }
      : { service: "ICMP", ports: "echo request", reach: "NOBODY", who: "nobody: dropped (IPv6 error messages and neighbour discovery stay open)" },
  );
  if (exposure.dropPortScans) {
    rows.push({
      service: "Port scans",
      ports: "tcp NULL, XMAS, SYN+FIN, SYN+RST, FIN without ACK, new without SYN",
      reach: "NOBODY",
      who: "dropped (the panel and management networks on management ports are accepted before this check)",
    });
  }
  rows.push({ service: "Whitelist (scope ALL)", ports: "every port", reach: "ALLOWED", who: "trusted with everything, ahead of the blocklist" });
  rows.push(
    exposure.finalAction === "DROP"
      ? { service: "Everything else", ports: "", reach: "NOBODY", who: "dropped" }
      : exposure.finalAction === "REJECT"
        ? { service: "Everything else", ports: "", reach: "NOBODY", who: "rejected (TCP reset, ICMP port unreachable)" }
        : { service: "Everything else", ports: "", reach: "NODE_POLICY", who: "left to the node's own INPUT policy (no default deny)" },
  );
  return rows;
}

/** One row as a line of text: "SIP 5060 udp/tcp → everyone (…)". */
export function formatExposureRow(row: ExposureSummaryRow): string {
  return `${row.ports === "" ? row.service : `${row.service} ${row.ports}`} → ${row.who}`;
}
