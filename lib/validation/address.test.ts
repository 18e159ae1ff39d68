import { describe, expect, it } from "vitest";
import { z } from "zod";

import { parseNetwork } from "@/lib/net/parse";

import {
  confirmableNetworkSchema,
  hostAddressSchema,
  networkSchema,
  networkSchemaAllowingBroad,
} from "./address";

/** The single issue of a failed parse, as [path, message]. */
function issueOf(result: { success: boolean; error?: z.ZodError }): [PropertyKey[], string] {
  expect(result.success).toBe(false);
  const issues = result.error?.issues ?? [];
  expect(issues).toHaveLength(1);
  return [issues[0]?.path ?? [], issues[0]?.message ?? ""];
}

describe("networkSchema", () => {
  it("turns text into the parser's ParsedNetwork", () => {
    const expected = parseNetwork("2001:db8::/32");
    expect(networkSchema.parse("2001:DB8::/32")).toEqual(expected.ok && expected.value);
    expect(networkSchema.parse("10.0.0.1/32")).toMatchObject({ canonical: "10.0.0.1", isHost: true });
    expect(networkSchema.parse("10.0.0.0/8").canonical).toBe("10.0.0.0/8");
  });

  it.each(["010.1.1.1", "10.0.0.1/8", " 10.0.0.1", "::ffff:10.0.0.1", "localhost", "fe80::1%eth0", ""])(
    "reports the parser's message for %j",
    (text) => {
      const parsed = parseNetwork(text);
      expect(parsed.ok).toBe(false);
      expect(issueOf(networkSchema.safeParse(text))).toEqual([[], parsed.ok ? "" : parsed.error]);
    },
  );

  it.each([
    ["0.0.0.0/0", "0.0.0.0/0 covers all IPv4 addresses, which is too broad here: use a network of /8 or narrower."],
    ["10.0.0.0/7", "10.0.0.0/7 covers 1/128 of all IPv4 addresses, which is too broad here: use a network of /8 or narrower."],
    ["2000::/3", "2000::/3 covers 1/8 of all IPv6 addresses, which is too broad here: use a network of /32 or narrower."],
    ["::/0", "::/0 covers all IPv6 addresses, which is too broad here: use a network of /32 or narrower."],
  ])("rejects the over-broad %s", (text, message) => {
    expect(issueOf(networkSchema.safeParse(text))).toEqual([[], message]);
  });

  it("rejects non-strings", () => {
    expect(issueOf(networkSchema.safeParse(167772161))[1]).toBe("Enter the IP address as text.");
    expect(networkSchema.safeParse(null).success).toBe(false);
  });

  it("puts the parser's message on the field inside a form schema", () => {
    const form = z.object({ network: networkSchema, comment: z.string() });
    const result = form.safeParse({ network: "10.0.0.0/255.0.0.0", comment: "office" });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(z.flattenError(result.error).fieldErrors.network).toEqual([
        "Netmask notation is not accepted: write 10.0.0.0/8 instead of 10.0.0.0/255.0.0.0.",
      ]);
    }
  });
});

describe("networkSchemaAllowingBroad", () => {
  it("accepts over-broad networks and still rejects bad text", () => {
    expect(networkSchemaAllowingBroad.parse("0.0.0.0/0")).toMatchObject({ canonical: "0.0.0.0/0", isOverBroad: true });
    expect(networkSchemaAllowingBroad.parse("::/0").isOverBroad).toBe(true);
    expect(issueOf(networkSchemaAllowingBroad.safeParse("10.1"))[1]).toContain("Shorthand");
  });
});

describe("hostAddressSchema", () => {
  it("accepts single addresses only", () => {
    expect(hostAddressSchema.parse("192.0.2.1").canonical).toBe("192.0.2.1");
    expect(hostAddressSchema.parse("2001:db8::1/128").canonical).toBe("2001:db8::1");
    expect(issueOf(hostAddressSchema.safeParse("192.0.2.0/24"))).toEqual([
      [],
      'Enter a single address, not a network: remove "/24".',
    ]);
    expect(issueOf(hostAddressSchema.safeParse("0.0.0.0/0"))[1]).toContain("single address");
  });
});

describe("confirmableNetworkSchema", () => {
  it("passes ordinary networks with or without the confirmation", () => {
    expect(confirmableNetworkSchema.parse({ network: "10.0.0.0/8" }).canonical).toBe("10.0.0.0/8");
    expect(confirmableNetworkSchema.parse({ network: "10.0.0.0/8", confirmBroad: false }).canonical).toBe("10.0.0.0/8");
    expect(confirmableNetworkSchema.parse({ network: "10.0.0.0/8", confirmBroad: true }).canonical).toBe("10.0.0.0/8");
  });

  it("asks for confirmation of over-broad networks, at the confirmBroad path", () => {
    for (const confirmBroad of [undefined, false]) {
      expect(issueOf(confirmableNetworkSchema.safeParse({ network: "0.0.0.0/0", confirmBroad }))).toEqual([
        ["confirmBroad"],
        "0.0.0.0/0 covers all IPv4 addresses: confirm that you mean a network this broad.",
      ]);
    }
    expect(confirmableNetworkSchema.parse({ network: "0.0.0.0/0", confirmBroad: true })).toMatchObject({
      canonical: "0.0.0.0/0",
      isOverBroad: true,
    });
    expect(confirmableNetworkSchema.parse({ network: "2000::/3", confirmBroad: true }).canonical).toBe("2000::/3");
  });

  it("reports parser errors at the network path, confirmed or not", () => {
    for (const confirmBroad of [undefined, true]) {
      expect(issueOf(confirmableNetworkSchema.safeParse({ network: "10.0.0.1/4", confirmBroad }))).toEqual([
        ["network"],
        "Host bits are set in 10.0.0.1/4: did you mean 0.0.0.0/4?",
      ]);
    }
  });

  it("takes a real boolean, not a string that looks true", () => {
    const result = confirmableNetworkSchema.safeParse({ network: "0.0.0.0/0", confirmBroad: "on" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["confirmBroad"]);
    expect(confirmableNetworkSchema.safeParse({ confirmBroad: true }).success).toBe(false);
  });
});
