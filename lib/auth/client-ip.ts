import { getEnv } from "@/lib/env";
import { networkContains, parseHostAddress, parseNetwork, type ParsedNetwork } from "@/lib/net/parse";

/** Header the Rampart server sets from the TCP peer address, overwriting anything a client sent. */
export const CLIENT_IP_HEADER = "x-rampart-client-ip";
export const UNKNOWN_CLIENT_IP = "0.0.0.0";

let trusted: ParsedNetwork[] | undefined;
function getTrustedProxies(): ParsedNetwork[] {
  if (trusted) return trusted;
  trusted = getEnv()
    .RAMPART_TRUSTED_PROXIES.split(",")
    .filter((s) => s.length > 0)
    .map((text) => {
      const parsed = parseNetwork(text);
      if (!parsed.ok) throw new Error(`RAMPART_TRUSTED_PROXIES: ${parsed.error}`);
      return parsed.value;
    });
  return trusted;
}

function parseIp(text: string | null | undefined): ParsedNetwork | undefined {
  if (!text) return undefined;
  // The kernel reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d.
  const plain = text.startsWith("::ffff:") && text.includes(".") ? text.slice(7) : text;
  const parsed = parseHostAddress(plain);
  return parsed.ok ? parsed.value : undefined;
}

const isTrusted = (ip: ParsedNetwork) => getTrustedProxies().some((net) => networkContains(net, ip));

/**
 * The client's address in canonical form. X-Forwarded-For is read right to left only while the hop that
 * added it is a trusted proxy, so a client cannot choose its own address by sending the header.
 */
export function getClientIp(headers: { get(name: string): string | null }): string {
  let current = parseIp(headers.get(CLIENT_IP_HEADER));
  if (!current) return UNKNOWN_CLIENT_IP;
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).reverse();
  for (const hop of forwarded) {
    if (!isTrusted(current)) break;
    const next = parseIp(hop);
    if (!next) break;
    current = next;
  }
  return current.canonical;
}
