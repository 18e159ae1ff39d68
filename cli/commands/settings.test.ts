import { describe, expect, it } from "vitest";
import { UsageError } from "../context";
import { formatAutoWhitelist, parseAutoWhitelistFlags } from "./settings";

describe("settings auto-whitelist flags", () => {
  it("shows only when no flag is given, and turns flags into the API's body", () => {
    expect(parseAutoWhitelistFlags({})).toBeNull();
    expect(parseAutoWhitelistFlags({ enable: true })).toEqual({ isEnabled: true });
    expect(parseAutoWhitelistFlags({ disable: true, ttl: "3600" })).toEqual({ isEnabled: false, ttlSeconds: 3600 });
    expect(parseAutoWhitelistFlags({ ttl: "2592000" })).toEqual({ ttlSeconds: 2_592_000 });
  });

  it("refuses contradicting flags and a TTL outside 60 s .. 30 days, or one that is not a whole number", () => {
    expect(() => parseAutoWhitelistFlags({ enable: true, disable: true })).toThrow(UsageError);
    expect(() => parseAutoWhitelistFlags({ ttl: "59" })).toThrow(/at least 60 seconds/);
    expect(() => parseAutoWhitelistFlags({ ttl: "2592001" })).toThrow(/at most 2,592,000 seconds/);
    expect(() => parseAutoWhitelistFlags({ ttl: "1h" })).toThrow(UsageError);
    expect(() => parseAutoWhitelistFlags({ ttl: "" })).toThrow(UsageError);
  });

  it("prints the state with the scope and what the TTL means", () => {
    expect(formatAutoWhitelist({ isEnabled: false, ttlSeconds: 86_400, scope: "SIP", activeEntries: 2 })).toEqual([
      "auto-whitelist of registered phones: off",
      "scope: SIP (SIP and RTP only; the blocklist, GeoIP, bans and scanner rules still apply)",
      "time to live: 86400 seconds (1 day) after the last successful registration",
      "entries in force: 2",
      "(off: the entries in force stay until they expire)",
    ]);
  });
});
