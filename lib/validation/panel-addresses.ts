import { AppError } from "@/lib/errors";
import { compareNetworks, parseNetwork, type ParsedNetwork } from "@/lib/net/parse";
import { networkTextSchema } from "./policy";

// The panel's configured source addresses (platform_settings.panel_addresses): accepted on every management
// port of every node and ignored by every jail, so they are held to stricter rules than a list entry.

/** Most configured panel addresses (the panel's own hosts or NAT pool, not a list of customers). */
export const PANEL_ADDRESSES_MAX = 64;

/**
 * Checks and canonicalises the configured panel addresses: each is parsed by lib/net (so "192.0.2.7/32" is
 * stored as "192.0.2.7"), then held to the stored-network rules (networkTextSchema: canonical, never /0).
 * Over-broad networks are refused: every jail ignores these addresses and every management port accepts them,
 * so a /4 here would trust a sixteenth of the Internet. Duplicates after canonicalisation are merged.
 * Field errors are keyed `addresses.<index>`.
 */
export function checkPanelAddresses(input: unknown): string[] {
  if (!Array.isArray(input)) throw new AppError("VALIDATION", "Panel addresses must be a list of addresses or networks.", { addresses: ["Send a list of addresses or networks."] });
  if (input.length > PANEL_ADDRESSES_MAX) {
    const message = `At most ${PANEL_ADDRESSES_MAX} panel addresses.`;
    throw new AppError("VALIDATION", message, { addresses: [message] });
  }
  const fieldErrors: Record<string, string[]> = {};
  const networks = new Map<string, ParsedNetwork>();
  input.forEach((item, index) => {
    const fail = (message: string) => (fieldErrors[`addresses.${index}`] ??= []).push(message);
    if (typeof item !== "string") return fail("Each panel address must be text.");
    const parsed = parseNetwork(item.trim());
    if (!parsed.ok) return fail(parsed.error);
    const checked = networkTextSchema.safeParse(parsed.value.canonical);
    if (!checked.success) return fail(checked.error.issues[0]?.message ?? "Not a valid network.");
    if (parsed.value.isOverBroad) {
      return fail(`${parsed.value.canonical} is too broad for a panel address (IPv4 /8 or longer, IPv6 /32 or longer): name the panel's own hosts or NAT pool.`);
    }
    networks.set(parsed.value.canonical, parsed.value);
  });
  const first = Object.entries(fieldErrors)[0];
  if (first) throw new AppError("VALIDATION", `Panel address ${Number(first[0].split(".")[1]) + 1}: ${first[1][0]}`, fieldErrors);
  return [...networks.values()].sort(compareNetworks).map((n) => n.canonical);
}

