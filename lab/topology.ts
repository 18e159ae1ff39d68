/**
 * Pure layout of the simulated PBX cluster: namespace, interface and address names for N nodes and one
 * attacker. Everything lives in 198.18.0.0/15 (RFC 2544 benchmarking space), never routed off this machine.
 *
 * - Bridge `rampart-lab0` in the root namespace carries 198.18.0.1/24: the panel (root namespace) reaches every
 *   node over SSH through it. The root namespace has no address in 198.18.1.0/24, so it cannot reach the attacker.
 * - Node i (1-based) is namespace `rampart-lab-node<i>` at 198.18.0.(9+i).
 * - The attacker is namespace `rampart-lab-attacker` with 198.18.1.10–12: a second /24, so the GeoIP test
 *   dataset can give it a different country (198.18.1.0/24 → KP) than the panel and nodes (198.18.0.0/24 → CH).
 * - The carrier (a second Asterisk answering the nodes' outbound trunk calls) is `rampart-lab-carrier` at
 *   198.18.0.250, and the phones (an Asterisk acting as the user agent of legitimate phones) `rampart-lab-phones`
 *   at 198.18.0.240: both after the last possible node (198.18.0.209) in the node /24.
 * - Inside the namespaces every address carries the /15 prefix, so nodes and attacker reach each other on-link
 *   over the bridge: no routing or forwarding in the root namespace is needed.
 */

export const LAB_BRIDGE = "rampart-lab0";
export const LAB_PREFIX = "rampart-lab";
export const PANEL_ADDRESS = "198.18.0.1";
export const PANEL_PREFIX_LENGTH = 24;
/** Prefix length used inside the namespaces: the whole lab range is on-link. */
export const NAMESPACE_PREFIX_LENGTH = 15;
export const NODE_NETWORK = "198.18.0.0/24";
export const ATTACKER_NETWORK = "198.18.1.0/24";
export const MAX_NODES = 200;
export const ATTACKER_ADDRESS_COUNT = 3;
export const SSH_PORT = 22;
export const SIP_PORT = 5060;
export const CARRIER_ADDRESS = "198.18.0.250";
export const PHONES_ADDRESS = "198.18.0.240";

export interface LabEndpoint {
  /** Short name used by `lab exec NAME`. */
  name: string;
  /** Network namespace name. */
  namespace: string;
  /** veth end in the root namespace, enslaved to the bridge (≤ 15 characters). */
  hostVeth: string;
  /** veth end inside the namespace. */
  innerVeth: string;
  addresses: string[];
}

export interface LabNode extends LabEndpoint {
  address: string;
}

export interface LabTopology {
  bridge: string;
  panelAddress: string;
  nodes: LabNode[];
  attacker: LabEndpoint;
  carrier: LabNode;
  phones: LabNode;
}

/** Deterministic layout for `count` nodes; throws on a count outside 1..MAX_NODES. */
export function planTopology(count: number): LabTopology {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) {
    throw new Error(`--nodes must be an integer from 1 to ${MAX_NODES}.`);
  }
  const nodes: LabNode[] = [];
  for (let i = 1; i <= count; i++) {
    const address = `198.18.0.${9 + i}`;
    nodes.push({
      name: `node${i}`,
      namespace: `${LAB_PREFIX}-node${i}`,
      hostVeth: `rlab-n${i}`,
      innerVeth: "eth0",
      address,
      addresses: [address],
    });
  }
  const attacker: LabEndpoint = {
    name: "attacker",
    namespace: `${LAB_PREFIX}-attacker`,
    hostVeth: "rlab-atk",
    innerVeth: "eth0",
    addresses: Array.from({ length: ATTACKER_ADDRESS_COUNT }, (_, i) => `198.18.1.${10 + i}`),
  };
  const single = (name: string, hostVeth: string, address: string): LabNode => ({ name, namespace: `${LAB_PREFIX}-${name}`, hostVeth, innerVeth: "eth0", address, addresses: [address] });
  return { bridge: LAB_BRIDGE, panelAddress: PANEL_ADDRESS, nodes, attacker, carrier: single("carrier", "rlab-carrier", CARRIER_ADDRESS), phones: single("phones", "rlab-phones", PHONES_ADDRESS) };
}

/** The endpoint `lab exec NAME` means: a node name, "attacker", or a full namespace name. */
export function findEndpoint(topology: LabTopology, name: string): LabEndpoint | undefined {
  return [...topology.nodes, topology.attacker, topology.carrier, topology.phones].find((e) => e.name === name || e.namespace === name);
}

/** True when `address` (dotted IPv4) is inside the lab range 198.18.0.0/15. */
export function isLabAddress(address: string): boolean {
  const match = /^198\.(18|19)\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  return match !== null && Number(match[2]) <= 255 && Number(match[3]) <= 255;
}
