// Explanations shared by the tenant forms and read-only views. They say what the tenant's networks do today,
// and what they do not do yet, so the panel never claims enforcement that nothing performs.

export const AUTO_WHITELIST_HINT =
  "The tenant's networks get SIP-scoped trust: SIP and RTP only, exempt from the SIP rate limits and never banned by " +
  "the VoIP jail, still behind the blocklist, GeoIP and scanner rules. They never join the cluster whitelist. Leave it " +
  "off when a network is shared with strangers (a hotel, a mobile carrier's NAT).";

/** What a tenant's networks (its "IP restrictions") do, and the refusal they do not perform yet. */
export const TENANT_NETWORKS_DESCRIPTION =
  "The tenant's allowed networks. They reach SIP and RTP when the exposure policy opens SIP to allowed networks only, " +
  "get SIP-scoped trust when the tenant's auto-whitelist is on, and let the tenant's administrators see and lift bans " +
  "inside them. Not enforced yet: refusing registrations of the tenant's extensions from anywhere else (the firewall " +
  "cannot tell which extension a packet is for; per-extension enforcement in Asterisk comes later).";

export const TENANT_NETWORKS_SHORT = "the networks it is allowed from (SIP reach, SIP-scoped trust, ban visibility)";

/** Why a tenant administrator's network may wait. */
export const PENDING_HINT =
  "A tenant administrator's network that overlaps another tenant's network, or is over-broad, waits for an administrator's " +
  "approval: until then it is rendered nowhere and shows no bans.";

export function minimumPrefixHint(minimums: { minPrefix4: number; minPrefix6: number }): string {
  return `Tenant administrators may store IPv4 networks of /${minimums.minPrefix4} or narrower and IPv6 networks of /${minimums.minPrefix6} or narrower.`;
}
