import { describe, expect, it } from "vitest";
import { compareNetworks, networkFromWords, parseNetwork, type ParsedNetwork } from "./parse";
import { compareNetworksAt, ipv4ValueAt, ipv6ValueAt, isHostAt, networkAt, networkColumnsOf } from "./columns";

const net = (text: string): ParsedNetwork => {
  const parsed = parseNetwork(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

describe("network columns", () => {
  const texts = ["10.0.0.1", "10.0.0.0/8", "0.0.0.0/1", "255.255.255.255", "2001:db8::1", "2001:db8::/32", "::1.2.3.4", "::", "fe80::1:0:0:1/128"];
  const networks = texts.map(net);
  const columns = networkColumnsOf(networks);

  it("gives back every network exactly as parsed", () => {
    expect(columns.count).toBe(networks.length);
    networks.forEach((network, i) => {
      expect(networkAt(columns, i)).toEqual(network);
      expect(isHostAt(columns, i)).toBe(network.isHost);
    });
    expect(ipv4ValueAt(columns, 0)).toBe(0x0a000001);
    expect(ipv6ValueAt(columns, 4)).toBe(0x20010db8n << 96n | 1n);
  });

  it("orders networks of one family as compareNetworks does", () => {
    for (let a = 0; a < networks.length; a++) {
      for (let b = 0; b < networks.length; b++) {
        if (networks[a]!.family !== networks[b]!.family) continue;
        expect(Math.sign(compareNetworksAt(columns, a, b))).toBe(Math.sign(compareNetworks(networks[a]!, networks[b]!)));
      }
    }
  });

  it("refuses words that are not a network the parser accepts", () => {
    expect(() => networkFromWords(4, [0x0a00, 1], 8)).toThrow(/Not a network/);
    expect(() => networkFromWords(6, [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], 128)).toThrow(/Not a network/);
    expect(() => networkFromWords(4, [0x1_0000, 0], 32)).toThrow(/Not a network/);
    expect(() => networkFromWords(6, [0, 0], 128)).toThrow(/Not a network/);
  });
});
