import type { RadioOption } from "./radio-group";

// The words of the exposure choices, shared by the cluster form and the node override form.

export const SIP_FROM_OPTIONS: readonly RadioOption[] = [
  { value: "WORLD", label: "Everyone", hint: "After the blocklist, bans, GeoIP, scanner signatures and rate limits." },
  { value: "ALLOWED", label: "Allowed networks only", hint: "Whitelist entries of scope ALL or SIP, tenant networks in force and management networks." },
];

export const WEB_FROM_OPTIONS: readonly RadioOption[] = [
  { value: "MANAGEMENT", label: "Management networks and the panel", hint: "The PBX's own administration pages stay off the Internet." },
  { value: "ALLOWED", label: "Also tenant networks", hint: "For tenants who use the PBX's user portal (UCP)." },
  { value: "WORLD", label: "Everyone", hint: "After the blocklist, web bans and GeoIP." },
];

export const FINAL_OPTIONS: readonly RadioOption[] = [
  { value: "DROP", label: "Drop", hint: "Default deny: every port the policy does not open is silently closed." },
  { value: "REJECT", label: "Reject", hint: "Default deny that answers: TCP reset, ICMP port unreachable." },
  { value: "RETURN", label: "Leave to the node (no default deny)", hint: "Rampart's chain ends and the node's own INPUT policy decides, often ACCEPT." },
];
