/**
 * Test fixtures for lib/rules: a tiny deterministic GeoIP dataset and the representative policies the golden
 * files are rendered from. Not shipped code paths; imported by *.test.ts only.
 */
import { DEFAULT_EXPOSURE } from "@/lib/validation/exposure";
import type { NodeRenderInput, PolicySnapshot } from "@/lib/validation/policy";

import { createMemoryGeoIpSource, type GeoIpSource, type GeoRange } from "../geoip";

const v4 = (text: string): bigint => text.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
const v6 = (hexGroups: string): bigint => {
  // Full eight groups only (fixtures), e.g. "2001:0db8:0de0:0000:0000:0000:0000:0000".
  const groups = hexGroups.split(":");
  if (groups.length !== 8) throw new Error(`fixture needs 8 groups: ${hexGroups}`);
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
};
const r4 = (first: string, last: string): GeoRange => ({ first: v4(first), last: v4(last) });
const r6 = (first: string, last: string): GeoRange => ({ first: v6(first), last: v6(last) });

/**
 * Documentation and made-up ranges. FR and DE share 203.0.113.0/24 half and half (merged when both are
 * allowed); US has a range that is not CIDR-aligned; ZZ-like gaps: "AQ" has no data at all.
 */
export const TINY_GEOIP: GeoIpSource = createMemoryGeoIpSource("tiny-test-dataset@1", {
  DE: {
    4: [r4("192.0.2.0", "192.0.2.255"), r4("203.0.113.128", "203.0.113.255"), r4("5.1.0.0", "5.1.255.255")],
    6: [r6("2001:0db8:0de0:0000:0000:0000:0000:0000", "2001:0db8:0de0:ffff:ffff:ffff:ffff:ffff")],
  },
  FR: {
    4: [r4("198.51.100.0", "198.51.100.255"), r4("203.0.113.0", "203.0.113.127")],
    6: [r6("2001:0db8:0f00:0000:0000:0000:0000:0000", "2001:0db8:0f7f:ffff:ffff:ffff:ffff:ffff")],
  },
  US: {
    4: [r4("8.0.0.0", "8.127.255.255"), r4("100.0.0.5", "100.0.0.20")],
    6: [r6("2001:0db8:0a00:0000:0000:0000:0000:0000", "2001:0db8:0aff:ffff:ffff:ffff:ffff:ffff")],
  },
  CH: { 4: [r4("46.140.0.0", "46.140.255.255")] },
});

export const FIXED_NOW = new Date("2025-06-01T12:00:00.000Z");

export const NODE: NodeRenderInput = { nodeName: "pbx-1", tags: ["eu", "primary"], panelAddresses: ["198.51.100.2"] };

/** Everything switched off and every list empty. */
export function emptyPolicy(): PolicySnapshot {
  return {
    version: 2,
    whitelist: [],
    blocklist: [],
    management: [],
    tenants: [],
    scannerSignatures: [],
    geoip: { mode: "OFF", countries: [] },
    rateLimit: {
      enabled: false,
      packetsPerSecond: 50,
      burst: 100,
      registerHits: 20,
      registerWindowSeconds: 60,
      inviteHits: 20,
      inviteWindowSeconds: 60,
      sipPorts: [5060],
      transports: ["UDP", "TCP"],
      rtpPortMin: 10000,
      rtpPortMax: 20000,
    },
    fail2ban: {
      voipJailEnabled: false,
      webJailEnabled: false,
      maxRetry: 5,
      findTimeSeconds: 600,
      banTimeSeconds: 3600,
      recidive: { enabled: false, maxRetry: 3, findTimeSeconds: 86400, banTimeSeconds: 604800 },
    },
    platform: { sshPorts: [22], webPorts: [80, 443] },
    // No default deny and no extras: the chain only does what the lists say, then returns.
    exposure: { ...DEFAULT_EXPOSURE, dropPortScans: false, sshNewPerMinute: null, finalAction: "RETURN" },
  };
}

const SIGNATURES = [
  { pattern: "friendly-scanner", enabled: true },
  { pattern: "sipvicious", enabled: true },
  { pattern: "VaxSIPUserAgent", enabled: true },
  { pattern: "sipcli", enabled: false },
];

/** One company: office management access, a provider whitelist, a blocklist with an expired entry, defaults on. */
export function typicalSingleTenantPolicy(): PolicySnapshot {
  const base = emptyPolicy();
  return {
    ...base,
    management: [{ network: "198.51.100.10", comment: "office" }],
    whitelist: [
      { network: "203.0.113.0/28", comment: "SIP provider" },
      { network: "203.0.113.64/28", comment: "SIP trunk", scope: "SIP" },
      { network: "192.0.2.50", comment: "" },
      { network: "198.51.100.77", comment: "monitoring", scope: "NO_BAN" },
    ],
    blocklist: [
      { network: "45.134.26.0/24", comment: "scanner network" },
      { network: "185.53.88.17", comment: "", expiresAt: "2025-07-01T00:00:00.000Z" },
      { network: "185.53.88.18", comment: "expired", expiresAt: "2025-05-01T00:00:00.000Z" },
      { network: "203.0.113.5", comment: "inside the provider range" },
      { network: "45.134.26.0/24", comment: "duplicate" },
    ],
    tenants: [
      {
        id: "3f1e7c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
        name: "Acme",
        autoWhitelistRestrictions: false,
        restrictions: [{ network: "192.0.2.64/27", comment: "Acme HQ" }],
      },
    ],
    scannerSignatures: SIGNATURES,
    rateLimit: { ...base.rateLimit, enabled: true },
    fail2ban: {
      ...base.fail2ban,
      voipJailEnabled: true,
      webJailEnabled: true,
      recidive: { enabled: true, maxRetry: 3, findTimeSeconds: 86400, banTimeSeconds: 604800 },
    },
    exposure: DEFAULT_EXPOSURE,
  };
}

/** Several tenants, one with auto-whitelisting, overlapping restrictions, TLS, two SIP ports. */
export function multiTenantPolicy(): PolicySnapshot {
  const base = typicalSingleTenantPolicy();
  return {
    ...base,
    management: [
      { network: "198.51.100.10", comment: "office" },
      { network: "2001:db8:100::/48", comment: "office v6" },
    ],
    tenants: [
      {
        id: "0b7c9d2e-1f3a-4b5c-8d6e-7f8091a2b3c4",
        name: "Beta GmbH",
        autoWhitelistRestrictions: true,
        restrictions: [
          { network: "192.0.2.128/26", comment: "Beta office" },
          { network: "2001:db8:beef::/48", comment: "Beta v6" },
        ],
      },
      {
        id: "3f1e7c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
        name: "Acme",
        autoWhitelistRestrictions: false,
        restrictions: [
          { network: "192.0.2.64/27", comment: "Acme HQ" },
          { network: "192.0.2.130", comment: "Acme at Beta" },
        ],
      },
      { id: "9e8d7c6b-5a49-4382-a716-0f1e2d3c4b5a", name: "Gamma", autoWhitelistRestrictions: false, restrictions: [] },
    ],
    rateLimit: { ...base.rateLimit, sipPorts: [5061, 5060], transports: ["UDP", "TCP", "TLS"] },
  };
}

/** GeoIP full-server for DE and FR (their adjacent halves merge) plus a country without data. */
export function geoipFullServerPolicy(): PolicySnapshot {
  const base = typicalSingleTenantPolicy();
  return { ...base, geoip: { mode: "FULL_SERVER", countries: ["FR", "DE", "AQ"] } };
}

/** GeoIP for the web ports only, several web ports, no management entries (a warning). */
export function webOnlyPolicy(): PolicySnapshot {
  const base = typicalSingleTenantPolicy();
  return {
    ...base,
    management: [],
    geoip: { mode: "WEB_ONLY", countries: ["US"] },
    platform: { sshPorts: [22, 2222], webPorts: [443, 80, 8443] },
  };
}

/** Mostly IPv6: v6 management, whitelist, blocklist, tenants, GeoIP. */
export function ipv6HeavyPolicy(): PolicySnapshot {
  const base = typicalSingleTenantPolicy();
  return {
    ...base,
    management: [{ network: "2001:db8:100::10", comment: "admin v6" }],
    whitelist: [
      { network: "2001:db8:200::/48", comment: "provider v6" },
      { network: "2001:db8:200:1::/64", comment: "nested in provider" },
    ],
    blocklist: [
      { network: "2001:db8:bad::/48", comment: "abuse" },
      { network: "2001:db8:bad:1::5", comment: "inside the /48" },
      { network: "2001:db8:200:1::66", comment: "whitelisted" },
      { network: "2001:db8::/32", comment: "contains the whitelist" },
      { network: "::1.2.3.4", comment: "IPv4-compatible" },
      { network: "45.134.26.7", comment: "" },
    ],
    tenants: [
      {
        id: "3f1e7c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
        name: "Acme",
        autoWhitelistRestrictions: false,
        restrictions: [{ network: "2001:db8:acee::/48", comment: "Acme v6" }],
      },
    ],
    geoip: { mode: "FULL_SERVER", countries: ["US", "FR"] },
  };
}

export const GOLDEN_POLICIES: Readonly<Record<string, () => PolicySnapshot>> = {
  empty: emptyPolicy,
  "typical-single-tenant": typicalSingleTenantPolicy,
  "multi-tenant": multiTenantPolicy,
  "geoip-full-server": geoipFullServerPolicy,
  "web-only": webOnlyPolicy,
  "ipv6-heavy": ipv6HeavyPolicy,
};
