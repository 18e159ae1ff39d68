import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as getAudit } from "@/app/api/v1/audit/route";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { auditFilterSchema, type AuditFilter } from "@/lib/validation/audit-log";
import { listAuditFilterOptions, listAuditLog } from "./audit-log";
import { SYSTEM_ACTOR } from "./audit";
import { createApiToken } from "./tokens";

const viewer: Caller = { role: "VIEWER", tenantId: null, actor: { type: "USER", id: randomUUID(), label: "viewer@audit.test" } };

/** Writes entries at chosen times (the writer always stamps now(); the reader must not care). */
async function seed(entries: { at: Date; actorLabel?: string; action?: string; objectType?: string; objectId?: string }[]) {
  for (const entry of entries) {
    await getDb().auditLog.create({
      data: {
        at: entry.at,
        actorType: "USER",
        actorLabel: entry.actorLabel ?? "seed@audit.test",
        action: entry.action ?? "thing.update",
        objectType: entry.objectType ?? "thing",
        objectId: entry.objectId ?? null,
        before: { n: 1 },
        after: { n: 2 },
      },
    });
  }
}

const filter = (input: Record<string, string>): AuditFilter => auditFilterSchema.parse(input);

describe("listAuditLog", () => {
  it("pages older and newer on (at, id) without gaps or repeats, ties included", async () => {
    const objectId = randomUUID();
    const base = Date.UTC(2031, 0, 1, 12, 0, 0);
    // Seven entries; two pairs share a timestamp so the id must break the tie.
    const times = [0, 1000, 1000, 2000, 3000, 3000, 4000].map((offset) => new Date(base + offset));
    await seed(times.map((at) => ({ at, objectId })));
    const all = (await getDb().auditLog.findMany({ where: { objectId }, orderBy: [{ at: "desc" }, { id: "desc" }] })).map((e) => e.id.toString());

    const pages: string[][] = [];
    let page = await listAuditLog(viewer, filter({ objectId }), { limit: 3 });
    expect(page.newerCursor).toBeNull();
    pages.push(page.items.map((i) => i.id));
    while (page.olderCursor) {
      page = await listAuditLog(viewer, filter({ objectId }), { limit: 3, cursor: page.olderCursor, direction: "older" });
      expect(page.newerCursor).not.toBeNull();
      pages.push(page.items.map((i) => i.id));
    }
    expect(pages.flat()).toEqual(all);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);

    // Back from the last page to the first with the Newer links.
    const back: string[][] = [pages[2]!];
    let newer = page;
    while (newer.newerCursor) {
      newer = await listAuditLog(viewer, filter({ objectId }), { limit: 3, cursor: newer.newerCursor, direction: "newer" });
      back.unshift(newer.items.map((i) => i.id));
    }
    expect(back).toEqual(pages);
    expect(newer.olderCursor).not.toBeNull();
  });

  it("filters by object type and id, action (exact or family), actor (part, any case) and time range", async () => {
    const id = randomUUID();
    const t = (minutes: number) => new Date(Date.UTC(2032, 5, 1, 10, minutes, 0));
    await seed([
      { at: t(0), objectType: `widget-${id}`, objectId: "a", action: "widget.create", actorLabel: `Alice-${id}@Example.test` },
      { at: t(10), objectType: `widget-${id}`, objectId: "a", action: "widget.update", actorLabel: `bob-${id}@example.test` },
      { at: t(20), objectType: `widget-${id}`, objectId: "b", action: "widget.delete", actorLabel: `token:ci-${id}` },
      { at: t(30), objectType: `widget-${id}`, objectId: "b", action: "widgetry.update", actorLabel: `alice-${id}@example.test` },
    ]);
    const actions = async (input: Record<string, string>) =>
      (await listAuditLog(viewer, filter({ objectType: `widget-${id}`, ...input }), { limit: 50 })).items.map((i) => i.action).reverse();

    expect(await actions({})).toEqual(["widget.create", "widget.update", "widget.delete", "widgetry.update"]);
    expect(await actions({ objectId: "a" })).toEqual(["widget.create", "widget.update"]);
    expect(await actions({ action: "widget" })).toEqual(["widget.create", "widget.update", "widget.delete"]);
    expect(await actions({ action: "widget.update" })).toEqual(["widget.update"]);
    expect(await actions({ actor: `ALICE-${id}` })).toEqual(["widget.create", "widgetry.update"]);
    expect(await actions({ actor: "token:ci" })).toEqual(["widget.delete"]);
    expect(await actions({ from: "2032-06-01T10:10", to: "2032-06-01T10:20:00" })).toEqual(["widget.update", "widget.delete"]);
    expect(await actions({ from: "2032-06-01T12:10:00+02:00" })).toEqual(["widget.update", "widget.delete", "widgetry.update"]);
    expect(await actions({ to: "2032-06-01" })).toEqual(["widget.create", "widget.update", "widget.delete", "widgetry.update"]);
    expect(await actions({ to: "2032-05-31" })).toEqual([]);
  });

  it("matches LIKE wildcards in the actor filter literally", async () => {
    const id = randomUUID().slice(0, 8);
    await seed([
      { at: new Date(), actorLabel: `wild-${id}-a_b@x.test`, objectType: `wild-${id}` },
      { at: new Date(), actorLabel: `wild-${id}-axb@x.test`, objectType: `wild-${id}` },
      { at: new Date(), actorLabel: `wild-${id}-%x@x.test`, objectType: `wild-${id}` },
    ]);
    const labels = async (actor: string) => (await listAuditLog(viewer, filter({ actor }), { limit: 50 })).items.map((i) => i.actorLabel).sort();
    expect(await labels(`wild-${id}-a_b`)).toEqual([`wild-${id}-a_b@x.test`]);
    expect(await labels(`wild-${id}-%`)).toEqual([`wild-${id}-%x@x.test`]);
    expect(await labels(`${id}-a`)).toHaveLength(2);
    expect(await labels(`wild-${id}-`)).toHaveLength(3);
  });

  it("returns ids as text and the JSON before and after", async () => {
    const objectId = randomUUID();
    await seed([{ at: new Date(), objectId }]);
    const [item] = (await listAuditLog(viewer, filter({ objectId }), { limit: 1 })).items;
    expect(item).toMatchObject({ id: expect.stringMatching(/^\d+$/), before: { n: 1 }, after: { n: 2 }, objectId });
  });

  it("refuses a foreign cursor (VALIDATION) and callers without audit:read (FORBIDDEN)", async () => {
    const codeOf = async (promise: Promise<unknown>) => promise.then(() => "resolved", (error: unknown) => (isAppError(error) ? error.code : "other"));
    expect(await codeOf(listAuditLog(viewer, filter({}), { limit: 5, cursor: "eyJ4IjoxfQ" }))).toBe("VALIDATION");
    expect(await codeOf(listAuditLog(viewer, filter({}), { limit: 5, cursor: "WyIyMDMwIiwiLTEiXQ" }))).toBe("VALIDATION");
    const tenantAdmin: Caller = { role: "TENANT_ADMIN", tenantId: randomUUID(), actor: { type: "USER", id: randomUUID(), label: "t" } };
    expect(await codeOf(listAuditLog(tenantAdmin, filter({}), { limit: 5 }))).toBe("FORBIDDEN");
    expect(await codeOf(listAuditFilterOptions(tenantAdmin))).toBe("FORBIDDEN");
  });

  it("suggests recent actors, actions and object types", async () => {
    const id = randomUUID();
    await seed([{ at: new Date(Date.now() + 1_000), actorLabel: `suggest-${id}`, action: `suggest.${id}`, objectType: `suggest-${id}` }]);
    const options = await listAuditFilterOptions(viewer);
    expect(options.actors).toContain(`suggest-${id}`);
    expect(options.actions).toContain(`suggest.${id}`);
    expect(options.objectTypes).toContain(`suggest-${id}`);
  });
});

describe("GET /api/v1/audit", () => {
  const request = (query: string, token: string) =>
    new NextRequest(`http://rampart.test/api/v1/audit${query}`, { headers: { authorization: `Bearer ${token}`, "x-rampart-client-ip": "203.0.113.1" } });
  const noParams = { params: Promise.resolve({}) };

  it("filters like the page and pages with nextCursor", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "audit-reader", role: "VIEWER" });
    const objectId = randomUUID();
    await seed([0, 1, 2].map((i) => ({ at: new Date(Date.UTC(2033, 0, 1, 0, 0, i)), objectId, objectType: "api-test" })));
    const first = await getAudit(request(`?objectType=api-test&objectId=${objectId}&limit=2`, token), noParams);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.items.map((i: { at: string }) => i.at)).toEqual(["2033-01-01T00:00:02.000Z", "2033-01-01T00:00:01.000Z"]);
    const second = await getAudit(request(`?objectType=api-test&objectId=${objectId}&limit=2&cursor=${body.nextCursor}`, token), noParams);
    const rest = await second.json();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
  });

  it("answers 422 with a message for bad filters, limits, cursors and unknown parameters", async () => {
    const { token } = await createApiToken(SYSTEM_ACTOR, { name: "audit-reader", role: "VIEWER" });
    for (const query of ["?from=yesterday", "?from=2030-02-30", "?from=2030-01-02&to=2030-01-01", "?limit=0", "?limit=1000", "?cursor=abc", "?user=x", `?actor=${"x".repeat(300)}`]) {
      const response = await getAudit(request(query, token), noParams);
      expect(response.status, query).toBe(422);
      expect((await response.json()).error, query).toEqual(expect.any(String));
    }
  });
});
