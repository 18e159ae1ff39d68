import { randomBytes, randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getVersionDiffRoute } from "@/app/api/v1/rulesets/versions/[hash]/diff/route";
import { GET as getVersionRoute } from "@/app/api/v1/rulesets/versions/[hash]/route";
import { GET as listVersionsRoute } from "@/app/api/v1/rulesets/versions/route";
import type { Caller } from "@/lib/auth/caller";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { DeploymentState } from "@/lib/generated/prisma/enums";
import { encodeArtefacts } from "@/lib/rulesets/versions";
import { versionPageSchema } from "@/lib/validation/ruleset-versions";
import { SYSTEM_ACTOR } from "./audit";
import { diffRulesetVersions, getRulesetVersion, listRulesetVersions } from "./ruleset-versions";
import { createApiToken } from "./tokens";

// The version history against a database of its own: paging asserts the exact sequence of every stored version,
// which versions other suites store would disturb (and this suite's would disturb theirs).

const caller = (role: Caller["role"], tenantId: string | null = null): Caller => ({ role, tenantId, actor: { type: "USER", id: randomUUID(), label: `${role.toLowerCase()}@versions.test` } });
const viewer = caller("VIEWER");
const page = (input: { limit?: string; cursor?: string }) => versionPageSchema.parse(input);

let ownDatabase: { drop(): Promise<void> } | undefined;

interface Seeded {
  id: string;
  hash: string;
}

/** A version stored at a chosen time with chosen artefacts (the hash need not match them: nothing here pushes). */
async function storeVersion(at: Date, files: Record<string, string>, hash = randomBytes(32).toString("hex"), author = "alice@versions.test"): Promise<Seeded> {
  const row = await getDb().rulesetVersion.create({
    data: { hash, author, createdAt: at, policy: {}, manifest: {}, artefacts: new Uint8Array(encodeArtefacts({ ...files, "manifest.json": `{"version":"${hash}"}` })) },
    select: { id: true, hash: true },
  });
  return row;
}

async function newNode(prefix: string): Promise<{ id: string; name: string }> {
  return getDb().node.create({ data: { name: `${prefix}-${randomUUID().slice(0, 8)}`, host: "198.18.0.1", sshUser: "root" }, select: { id: true, name: true } });
}

async function deploy(nodeId: string, version: Seeded, state: DeploymentState, at: Date): Promise<void> {
  await getDb().deployment.create({ data: { batchId: randomUUID(), nodeId, rulesetId: version.id, state, requestedBy: "seed", createdAt: at, finishedAt: at } });
}

const t = (minutes: number) => new Date(Date.UTC(2034, 0, 1, 12, minutes, 0));
const rules = (...lines: string[]) => `${lines.join("\n")}\n`;

// v0 … v4, oldest first; v2 and v3 share a timestamp, so the id decides their order.
const versions: Seeded[] = [];
let newestFirst: string[] = [];
const nodes: Record<"a" | "b" | "c", { id: string; name: string }> = {} as never;

beforeAll(async () => {
  const { useOwnTestDatabase } = await import("@/test/database");
  ownDatabase = await useOwnTestDatabase("rampart_versions");
  versions.push(await storeVersion(t(0), { "iptables.rules": rules("-A X -j ACCEPT", "-A X -j DROP"), "ipset.restore": rules("add s 192.0.2.1") }, undefined, "cli:root"));
  versions.push(await storeVersion(t(1), { "iptables.rules": rules("-A X -j ACCEPT", "-A X -j REJECT"), "ipset.restore": rules("add s 192.0.2.1", "add s 192.0.2.2", "add s 192.0.2.3") }));
  versions.push(await storeVersion(t(2), { "iptables.rules": rules("-A X -j ACCEPT", "-A X -j REJECT"), "ipset.restore": rules("add s 192.0.2.1", "add s 192.0.2.2", "add s 192.0.2.3") }));
  versions.push(await storeVersion(t(2), { "iptables.rules": rules("-A X -j ACCEPT", "-A X -j REJECT"), "ipset.restore": rules("add s 192.0.2.1"), "fail2ban/jail.d/rampart.local": rules("[rampart-asterisk]") }));
  versions.push(await storeVersion(t(3), { "iptables.rules": rules("-A X -j ACCEPT") }, undefined, "token:ci"));
  newestFirst = (await getDb().rulesetVersion.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { hash: true } })).map((v) => v.hash);

  nodes.a = await newNode("versions-a");
  nodes.b = await newNode("versions-b");
  nodes.c = await newNode("versions-c");
  // a: confirmed v1, later confirmed v3 → runs v3. b: confirmed v1, a later push of v4 failed → still runs v1.
  // c: only a pending push of v2 → runs nothing Rampart knows of.
  await deploy(nodes.a.id, versions[1]!, "CONFIRMED", t(10));
  await deploy(nodes.a.id, versions[3]!, "CONFIRMED", t(20));
  await deploy(nodes.b.id, versions[1]!, "CONFIRMED", t(11));
  await deploy(nodes.b.id, versions[4]!, "FAILED", t(21));
  await deploy(nodes.c.id, versions[2]!, "PENDING", t(22));
});

afterAll(async () => {
  await disconnectDb();
  await ownDatabase?.drop();
});

describe("listRulesetVersions", () => {
  it("pages newest first on (created_at, id) both ways without gaps or repeats, ties included", async () => {
    expect(newestFirst).toHaveLength(5);
    const pages: string[][] = [];
    let current = await listRulesetVersions(viewer, page({ limit: "2" }));
    expect(current.prevCursor).toBeNull();
    pages.push(current.items.map((i) => i.hash));
    while (current.nextCursor) {
      current = await listRulesetVersions(viewer, page({ limit: "2", cursor: current.nextCursor }));
      expect(current.prevCursor).not.toBeNull();
      pages.push(current.items.map((i) => i.hash));
    }
    expect(pages.flat()).toEqual(newestFirst);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);

    const back = [pages[2]!];
    while (current.prevCursor) {
      current = await listRulesetVersions(viewer, page({ limit: "2", cursor: current.prevCursor }));
      back.unshift(current.items.map((i) => i.hash));
    }
    expect(back).toEqual(pages);
    expect(current.nextCursor).not.toBeNull();
  });

  it("gives each row its author, short hash, the previous version and a summary against it, across page boundaries", async () => {
    const { items } = await listRulesetVersions(viewer, page({ limit: "100" }));
    const byHash = new Map(items.map((i) => [i.hash, i]));
    const [v0, v1, v2, , v4] = versions.map((v) => byHash.get(v.hash)!);

    expect(v0).toMatchObject({ author: "cli:root", previousHash: null, changes: [], summary: "First stored version" });
    expect(v1!.shortHash).toBe(v1!.hash.slice(0, 12));
    expect(v1).toMatchObject({
      previousHash: versions[0]!.hash,
      changes: [
        { path: "ipset.restore", addedCount: 2, removedCount: 0 },
        { path: "iptables.rules", addedCount: 1, removedCount: 1 },
      ],
      summary: "ipset.restore +2, iptables.rules +1 −1",
    });
    // Each row's previous version is the next one in the list (v2 and v3 tie on time: the id orders them).
    expect(items.map((i) => i.previousHash)).toEqual([...newestFirst.slice(1), null]);
    const tieOlder = byHash.get(newestFirst[2]!)!;
    expect(tieOlder.summary).toBe(tieOlder.hash === v2!.hash ? "No line changes" : "fail2ban/jail.d/rampart.local +1, ipset.restore −2");
    expect(v4).toMatchObject({ author: "token:ci" });

    // The last row of a page is compared with the version on the next page.
    const first = await listRulesetVersions(viewer, page({ limit: "1" }));
    expect(first.items[0]).toMatchObject({ hash: newestFirst[0], previousHash: newestFirst[1] });
    expect(first.items[0]!.summary).toBe(byHash.get(newestFirst[0]!)!.summary);
  });

  it("names the nodes whose latest confirmed deployment is the version", async () => {
    const { items } = await listRulesetVersions(viewer, page({ limit: "100" }));
    const runningOn = Object.fromEntries(items.map((i) => [i.hash, i.runningOn]));
    expect(runningOn[versions[3]!.hash]).toEqual([nodes.a.name]);
    expect(runningOn[versions[1]!.hash]).toEqual([nodes.b.name]);
    expect(runningOn[versions[2]!.hash]).toEqual([]);
    expect(runningOn[versions[4]!.hash]).toEqual([]);
    expect(runningOn[versions[0]!.hash]).toEqual([]);
  });

  it("refuses a cursor it did not make", async () => {
    await expect(listRulesetVersions(viewer, page({ cursor: "abc" }))).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(listRulesetVersions(viewer, page({ cursor: Buffer.from('["after","x","y"]').toString("base64url") }))).rejects.toMatchObject({ code: "VALIDATION" });
  });
});

describe("getRulesetVersion", () => {
  it("finds a version by hash or unique prefix, with its artefacts' sizes and the nodes running it", async () => {
    const version = await getRulesetVersion(viewer, versions[3]!.hash.slice(0, 10).toUpperCase());
    expect(version).toMatchObject({ hash: versions[3]!.hash, runningOn: [nodes.a.name] });
    expect(version.files.map((f) => f.path)).toEqual(["fail2ban/jail.d/rampart.local", "ipset.restore", "iptables.rules", "manifest.json"]);
    expect(version.files.find((f) => f.path === "iptables.rules")).toEqual({ path: "iptables.rules", bytes: 30, lines: 2 });
  });

  it("answers NOT_FOUND for an unknown hash, VALIDATION for text that is no hash and for an ambiguous prefix", async () => {
    await expect(getRulesetVersion(viewer, "0".repeat(64))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getRulesetVersion(viewer, "abc")).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(getRulesetVersion(viewer, "z".repeat(64))).rejects.toMatchObject({ code: "VALIDATION" });
    const prefix = randomBytes(4).toString("hex");
    await storeVersion(new Date(Date.UTC(2000, 0, 1)), {}, `${prefix}${"1".repeat(56)}`);
    await storeVersion(new Date(Date.UTC(2000, 0, 1)), {}, `${prefix}${"2".repeat(56)}`);
    await expect(getRulesetVersion(viewer, prefix)).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/more than one version/) });
    expect((await getRulesetVersion(viewer, `${prefix}2`)).hash).toBe(`${prefix}${"2".repeat(56)}`);
  });
});

describe("diffRulesetVersions", () => {
  it("lists the added and removed lines per artefact with counts, the manifest aside", async () => {
    const diff = await diffRulesetVersions(viewer, versions[1]!.hash, versions[3]!.hash);
    expect(diff.from.hash).toBe(versions[1]!.hash);
    expect(diff.to.hash).toBe(versions[3]!.hash);
    expect(diff.files).toEqual([
      { path: "fail2ban/jail.d/rampart.local", added: ["[rampart-asterisk]"], removed: [], addedCount: 1, removedCount: 0, isTruncated: false },
      { path: "ipset.restore", added: [], removed: ["add s 192.0.2.2", "add s 192.0.2.3"], addedCount: 0, removedCount: 2, isTruncated: false },
    ]);
    expect(diff).toMatchObject({ addedCount: 1, removedCount: 2 });
    expect((await diffRulesetVersions(viewer, versions[1]!.hash, versions[2]!.hash)).files).toEqual([]);
  });

  it("limits the listed lines but not the counts, and puts the older first when asked", async () => {
    const big = await storeVersion(t(30), { "ipset.restore": rules(...Array.from({ length: 50 }, (_, i) => `add s 198.51.100.${i}`)) });
    const diff = await diffRulesetVersions(viewer, versions[0]!.hash, big.hash, { lineLimit: 5 });
    const ipset = diff.files.find((f) => f.path === "ipset.restore")!;
    expect(ipset).toMatchObject({ addedCount: 50, removedCount: 1, isTruncated: true });
    expect(ipset.added).toHaveLength(5);

    const swapped = await diffRulesetVersions(viewer, big.hash, versions[0]!.hash, { isOldestFirst: true });
    expect([swapped.from.hash, swapped.to.hash]).toEqual([versions[0]!.hash, big.hash]);
    const asGiven = await diffRulesetVersions(viewer, big.hash, versions[0]!.hash);
    expect(asGiven.from.hash).toBe(big.hash);
    expect(asGiven.files.find((f) => f.path === "ipset.restore")).toMatchObject({ addedCount: 1, removedCount: 50 });
  });

  it("answers NOT_FOUND when either version is unknown", async () => {
    await expect(diffRulesetVersions(viewer, versions[0]!.hash, "f".repeat(64))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(diffRulesetVersions(viewer, "e".repeat(64), versions[0]!.hash)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("permissions", () => {
  it("lets every role that reads the Rulesets page read versions, and refuses a tenant administrator", async () => {
    for (const role of ["ADMIN", "OPERATOR", "VIEWER"] as const) {
      await expect(listRulesetVersions(caller(role), page({ limit: "1" }))).resolves.toMatchObject({ items: [expect.anything()] });
    }
    const tenantAdmin = caller("TENANT_ADMIN", randomUUID());
    await expect(listRulesetVersions(tenantAdmin, page({}))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getRulesetVersion(tenantAdmin, versions[0]!.hash)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(diffRulesetVersions(tenantAdmin, versions[0]!.hash, versions[1]!.hash)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("GET /api/v1/rulesets/versions…", () => {
  const request = (path: string, token: string) =>
    new NextRequest(`http://rampart.test/api/v1/rulesets/versions${path}`, { headers: { authorization: `Bearer ${token}`, "x-rampart-client-ip": "203.0.113.1" } });
  const params = (hash: string) => ({ params: Promise.resolve({ hash }) });

  it("lists, shows and compares versions, with 404 for an unknown version and 422 for bad input", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "versions-reader", role: "VIEWER" });
    const list = await listVersionsRoute(request("?limit=2", token), { params: Promise.resolve({}) });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { items: { hash: string; runningOn: string[] }[]; nextCursor: string | null; prevCursor: string | null };
    expect(body.items).toHaveLength(2);
    expect(body.nextCursor).toEqual(expect.any(String));
    const older = await (await listVersionsRoute(request(`?limit=2&cursor=${body.nextCursor}`, token), { params: Promise.resolve({}) })).json();
    expect(older.prevCursor).toEqual(expect.any(String));

    const one = await getVersionRoute(request(`/${versions[3]!.hash.slice(0, 8)}`, token), params(versions[3]!.hash.slice(0, 8)));
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ hash: versions[3]!.hash, runningOn: [nodes.a.name], createdAt: t(2).toISOString() });

    const diff = await getVersionDiffRoute(request(`/${versions[3]!.hash}/diff?against=${versions[1]!.hash}`, token), params(versions[3]!.hash));
    expect(diff.status).toBe(200);
    expect(await diff.json()).toMatchObject({ from: { hash: versions[1]!.hash }, to: { hash: versions[3]!.hash }, addedCount: 1, removedCount: 2 });

    const unknown = await getVersionRoute(request(`/${"0".repeat(64)}`, token), params("0".repeat(64)));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/No ruleset version/);
    const unknownAgainst = await getVersionDiffRoute(request(`/${versions[3]!.hash}/diff?against=${"0".repeat(64)}`, token), params(versions[3]!.hash));
    expect(unknownAgainst.status).toBe(404);

    for (const [response, what] of [
      [await getVersionRoute(request("/xyz", token), params("xyz")), "malformed hash"],
      [await getVersionDiffRoute(request(`/${versions[3]!.hash}/diff`, token), params(versions[3]!.hash)), "missing against"],
      [await getVersionDiffRoute(request(`/${versions[3]!.hash}/diff?against=12`, token), params(versions[3]!.hash)), "short against"],
      [await listVersionsRoute(request("?limit=0", token), { params: Promise.resolve({}) }), "limit 0"],
      [await listVersionsRoute(request("?cursor=abc", token), { params: Promise.resolve({}) }), "foreign cursor"],
      [await listVersionsRoute(request("?page=2", token), { params: Promise.resolve({}) }), "unknown parameter"],
    ] as const) {
      expect(response.status, what).toBe(422);
      expect((await response.json()).error, what).toEqual(expect.any(String));
    }
  });

  it("answers 403 to a tenant administrator's token", async () => {
    const tenant = await getDb().tenant.create({ data: { name: `versions-${randomUUID().slice(0, 8)}` } });
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "versions-tenant", role: "TENANT_ADMIN", tenantId: tenant.id });
    expect((await listVersionsRoute(request("", token), { params: Promise.resolve({}) })).status).toBe(403);
  });
});
