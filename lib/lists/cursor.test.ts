import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

describe("list cursors", () => {
  it("round-trip for both sort orders", () => {
    const newest = { sort: "newest" as const, direction: "after" as const, id, createdAt: new Date("2025-03-04T05:06:07.089Z") };
    expect(decodeCursor(encodeCursor(newest), "newest")).toEqual(newest);
    const network = { sort: "network" as const, direction: "before" as const, id, network: "2001:db8::/32" };
    expect(decodeCursor(encodeCursor(network), "network")).toEqual(network);
  });

  it("refuse garbage, other sorts and non-canonical keys", () => {
    expect(decodeCursor("not a cursor!", "newest")).toBeNull();
    expect(decodeCursor("eyJ", "newest")).toBeNull();
    expect(decodeCursor(Buffer.from('{"s":"newest","d":"a","i":"x"}').toString("base64url"), "newest")).toBeNull();
    const network = encodeCursor({ sort: "network", direction: "after", id, network: "10.0.0.0/8" });
    expect(decodeCursor(network, "newest")).toBeNull();
    const hostBits = Buffer.from(JSON.stringify({ s: "network", d: "a", i: id, n: "10.0.0.1/8" })).toString("base64url");
    expect(decodeCursor(hostBits, "network")).toBeNull();
    const injected = Buffer.from(JSON.stringify({ s: "network", d: "a", i: id, n: "1.1.1.1'; DROP TABLE x" })).toString("base64url");
    expect(decodeCursor(injected, "network")).toBeNull();
    expect(decodeCursor("A".repeat(600), "newest")).toBeNull();
  });
});
