import { parseNetwork } from "@/lib/net/parse";

// The source of a kernel table line (xt_hashlimit, xt_recent) as Rampart shows it: the host address through the
// strict parser, then masked to the rule's prefix when the rule groups sources (--hashlimit-srcmask, --mask).

export type SourceAddress = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

export function parseSourceAddress(text: string, prefixLength?: number): SourceAddress {
  const host = parseNetwork(text);
  if (!host.ok || !host.value.isHost) return { ok: false, reason: `source does not parse: ${host.ok ? "not a host" : host.error}` };
  const { canonical, family } = host.value;
  if (prefixLength === undefined || prefixLength >= (family === 4 ? 32 : 128)) return { ok: true, address: canonical, family };
  const masked = parseNetwork(`${canonical}/${prefixLength}`);
  if (!masked.ok) return { ok: false, reason: `source is not a /${prefixLength} network: ${masked.error}` };
  return { ok: true, address: masked.value.canonical, family };
}
