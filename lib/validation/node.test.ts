import { describe, expect, it } from "vitest";
import { generateClientKey } from "@/lib/ssh/keys";
import { nodeCreateSchema, nodeHostSchema, nodeUpdateSchema, sshUserSchema, splitTags } from "./node";
import { pushRequestSchema } from "./push";

const FINGERPRINT = `SHA256:${"a".repeat(43)}`;
const key = generateClientKey("unit");

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): Record<string, string> {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("node host", () => {
  it("takes addresses through the strict parser and names per RFC 1123, in canonical form", () => {
    expect(nodeHostSchema.parse(" 198.51.100.7 ")).toBe("198.51.100.7");
    expect(nodeHostSchema.parse("2001:DB8:0:0::1")).toBe("2001:db8::1");
    expect(nodeHostSchema.parse("PBX-1.Example.NET")).toBe("pbx-1.example.net");
  });

  it("refuses address look-alikes the resolver would read differently, and malformed names", () => {
    for (const text of ["010.0.0.1", "10.1", "167772161", "10.0.0.0/8", "::ffff:10.0.0.1", "-pbx.example", "pbx_1.example", "host.123", "a..b", "", `${"a".repeat(64)}.example`]) {
      expect(nodeHostSchema.safeParse(text).success, text).toBe(false);
    }
  });
});

describe("node create", () => {
  const base = { name: "pbx-1", host: "198.51.100.7", user: "root", hostKeyFingerprint: `${FINGERPRINT}=`, privateKey: key.privateKey };

  it("fills defaults, dedupes and sorts tags, normalizes the fingerprint and the key's line ends", () => {
    const parsed = nodeCreateSchema.parse({ ...base, tags: ["eu", "edge", "eu"], privateKey: key.privateKey.replace(/\n/g, "\r\n") });
    expect(parsed).toMatchObject({ port: 22, tags: ["edge", "eu"], managementAddress: null, hostKeyFingerprint: FINGERPRINT, keySource: "paste" });
    expect(parsed.privateKey).toBe(`${key.privateKey.trim()}\n`);
  });

  it("names the field of every bad value", () => {
    const result = nodeCreateSchema.safeParse({
      name: "Pbx 1",
      host: "10.1",
      port: 70000,
      user: "Root",
      tags: ["ok", "Not Ok"],
      managementAddress: "10.0.0.0/24",
      hostKeyFingerprint: "MD5:aa",
      privateKey: key.publicKey,
    });
    expect(Object.keys(messages(result)).sort()).toEqual(["host", "hostKeyFingerprint", "managementAddress", "name", "port", "privateKey", "tags.1", "user"]);
    expect(messages(result).privateKey).toMatch(/not a private key|public key/);
  });

  it("needs a key to paste or upload, and refuses one alongside generate", () => {
    expect(messages(nodeCreateSchema.safeParse({ ...base, privateKey: undefined, keySource: "upload" })).privateKey).toMatch(/Paste or upload/);
    expect(messages(nodeCreateSchema.safeParse({ ...base, keySource: "generate" })).privateKey).toMatch(/Leave out/);
    expect(nodeCreateSchema.parse({ ...base, privateKey: undefined, keySource: "generate" }).privateKey).toBeNull();
  });

  it("accepts the port as text from forms and the command line, but only whole numbers", () => {
    expect(nodeCreateSchema.parse({ ...base, port: "2222" }).port).toBe(2222);
    for (const port of ["22.5", "0", "", "0x16", 22.5]) expect(messages(nodeCreateSchema.safeParse({ ...base, port })).port, String(port)).toMatch(/1 to 65535/);
  });

  it("refuses unknown fields and more than 20 tags", () => {
    expect(nodeCreateSchema.safeParse({ ...base, encryptedPrivateKey: "x" }).success).toBe(false);
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(messages(nodeCreateSchema.safeParse({ ...base, tags })).tags).toMatch(/At most 20/);
  });
});

describe("node update", () => {
  it("clears the management address with null or empty text, keeps it when absent", () => {
    expect(nodeUpdateSchema.parse({ managementAddress: "" }).managementAddress).toBeNull();
    expect(nodeUpdateSchema.parse({ managementAddress: null }).managementAddress).toBeNull();
    expect(nodeUpdateSchema.parse({ enabled: false }).managementAddress).toBeUndefined();
  });

  it("turns a key into a replacement and refuses an empty change", () => {
    expect(nodeUpdateSchema.parse({ keySource: "generate" }).key).toEqual({ source: "generate", privateKey: null });
    expect(messages(nodeUpdateSchema.safeParse({ privateKey: key.privateKey })).keySource).toMatch(/keySource/);
    expect(nodeUpdateSchema.safeParse({}).success).toBe(false);
  });
});

describe("small pieces", () => {
  it("splits comma-separated tags and drops empty pieces", () => {
    expect(splitTags(" a, b ,,c ")).toEqual(["a", "b", "c"]);
    expect(splitTags("")).toEqual([]);
  });

  it("accepts POSIX user names only", () => {
    for (const ok of ["root", "_rampart", "pbx-admin1"]) expect(sshUserSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["Root", "1pbx", "a b", "a;b", "x".repeat(33)]) expect(sshUserSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe("push request", () => {
  it("fills the documented defaults", () => {
    expect(pushRequestSchema.parse({ target: { kind: "all" } })).toEqual({ target: { kind: "all" }, canary: true, concurrency: 4, failureThreshold: 1, timerSeconds: 60 });
  });

  it("bounds concurrency, threshold and timer, and checks the target", () => {
    const bad = pushRequestSchema.safeParse({ target: { kind: "nodes", names: [] }, concurrency: 33, failureThreshold: -1, timerSeconds: 5, version: "abc" });
    expect(Object.keys(messages(bad)).sort()).toEqual(["concurrency", "failureThreshold", "target.names", "timerSeconds", "version"]);
    expect(pushRequestSchema.safeParse({ target: { kind: "tag", tag: "Bad Tag" } }).success).toBe(false);
    expect(pushRequestSchema.safeParse({ target: { kind: "everything" } }).success).toBe(false);
    expect(pushRequestSchema.parse({ target: { kind: "nodes", names: ["a", "a", "b"] } }).target).toEqual({ kind: "nodes", names: ["a", "b"] });
  });
});
