import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";

import { createScanner, deleteScanner, getScanner, listScanners, replaceScanners, updateScanner } from "./scanners";

function callerOf(role: Role): Caller {
  return { role, tenantId: null, actor: { type: "TOKEN", id: randomUUID(), label: `token:scanners-it-${randomUUID()}` } };
}

/** A unique, valid signature. */
const uniquePattern = (prefix = "scan") => `${prefix}-${randomUUID().slice(0, 8)}`;

async function auditOf(caller: Caller) {
  return getDb().auditLog.findMany({ where: { actorLabel: caller.actor.label }, orderBy: { id: "asc" } });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  if (!(error instanceof AppError)) throw error;
  return error.code;
}

describe("scanner signatures", () => {
  it("lists the seeded defaults", async () => {
    const patterns = (await listScanners(callerOf("VIEWER"))).map((s) => s.pattern);
    for (const pattern of ["friendly-scanner", "sipvicious", "sundayddr", "sipsak", "iWar", "sip-scan", "sipcli", "VaxSIPUserAgent"]) {
      expect(patterns).toContain(pattern);
    }
  });

  it("creates, updates and deletes, auditing each change", async () => {
    const caller = callerOf("OPERATOR");
    const pattern = uniquePattern();
    const created = await createScanner(caller, { pattern, enabled: true, comment: "test tool" });
    expect(created).toMatchObject({ pattern, enabled: true, comment: "test tool" });
    expect(await getScanner(caller, created.id)).toEqual(created);

    const disabled = await updateScanner(caller, created.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    const renamed = await updateScanner(caller, created.id, { pattern: `${pattern}-v2`, comment: "" });
    expect(renamed).toMatchObject({ pattern: `${pattern}-v2`, comment: "", enabled: false });
    // No change, no audit record.
    await updateScanner(caller, created.id, { enabled: false });

    await deleteScanner(caller, created.id);
    expect(await getDb().scannerSignature.findUnique({ where: { id: created.id } })).toBeNull();

    const audit = await auditOf(caller);
    expect(audit.map((a) => a.action)).toEqual(["scanner.create", "scanner.update", "scanner.update", "scanner.delete"]);
    expect(audit[1]).toMatchObject({ objectId: created.id, before: { enabled: true }, after: { enabled: false } });
    expect(audit[3]).toMatchObject({ before: { pattern: `${pattern}-v2` }, after: null });
  });

  it("refuses an exact duplicate with a clear message, but accepts a case variant", async () => {
    const caller = callerOf("ADMIN");
    const pattern = uniquePattern("Dup");
    const first = await createScanner(caller, { pattern, enabled: true, comment: "" });
    const error = await rejection(createScanner(caller, { pattern, enabled: false, comment: "" }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "CONFLICT", message: `The signature "${pattern}" is already in the list.` });
    expect((error as AppError).fieldErrors?.pattern).toHaveLength(1);

    const variant = await createScanner(caller, { pattern: pattern.toUpperCase(), enabled: true, comment: "" });
    expect(variant.pattern).toBe(pattern.toUpperCase());
    const other = await createScanner(caller, { pattern: uniquePattern(), enabled: true, comment: "" });
    expect(await codeOf(updateScanner(caller, other.id, { pattern }))).toBe("CONFLICT");
    for (const id of [first.id, variant.id, other.id]) await deleteScanner(caller, id);
  });

  it("answers NOT_FOUND for unknown and malformed ids, and FORBIDDEN to viewers", async () => {
    const caller = callerOf("ADMIN");
    expect(await codeOf(getScanner(caller, randomUUID()))).toBe("NOT_FOUND");
    expect(await codeOf(updateScanner(caller, "not-a-uuid", { enabled: true }))).toBe("NOT_FOUND");
    expect(await codeOf(deleteScanner(caller, "'; DROP TABLE scanner_signatures; --"))).toBe("NOT_FOUND");
    expect(await codeOf(createScanner(callerOf("VIEWER"), { pattern: uniquePattern(), enabled: true, comment: "" }))).toBe("FORBIDDEN");
  });

  it("re-validates the pattern in the data layer", async () => {
    const error = await rejection(createScanner(callerOf("ADMIN"), { pattern: 'bad"quote', enabled: true, comment: "" }));
    expect(error).toBeInstanceOf(ZodError);
  });

  it("replaces the list: keeps by id or pattern, renames, swaps, adds and deletes in one audited step", async () => {
    const caller = callerOf("ADMIN");
    const original = await listScanners(caller);
    try {
      const a = uniquePattern("a");
      const b = uniquePattern("b");
      const c = uniquePattern("c");
      const rowA = await createScanner(caller, { pattern: a, enabled: true, comment: "keep me" });
      const rowB = await createScanner(caller, { pattern: b, enabled: true, comment: "" });
      const auditBefore = (await auditOf(caller)).length;

      const result = await replaceScanners(caller, {
        signatures: [
          // Swap the patterns of A and B (by id), without a comment (kept), and add C.
          { id: rowA.id, pattern: b, enabled: false },
          { id: rowB.id, pattern: a, enabled: true, comment: "swapped" },
          { pattern: c, enabled: true },
          // Matched by pattern, without an id.
          { pattern: "friendly-scanner", enabled: true },
        ],
      });
      expect(result).toMatchObject({ added: 1, updated: 2 });
      expect(result.removed).toBe(original.length - 1);
      const byPattern = new Map(result.signatures.map((s) => [s.pattern, s]));
      expect(byPattern.get(b)).toMatchObject({ id: rowA.id, enabled: false, comment: "keep me" });
      expect(byPattern.get(a)).toMatchObject({ id: rowB.id, comment: "swapped" });
      expect(byPattern.get(c)).toMatchObject({ enabled: true, comment: "" });
      expect(byPattern.get("friendly-scanner")?.id).toBe(original.find((s) => s.pattern === "friendly-scanner")?.id);
      expect(result.signatures).toHaveLength(4);

      const audit = (await auditOf(caller)).slice(auditBefore);
      expect(audit.map((x) => x.action)).toEqual(["scanner.replace"]);
      expect((audit[0]?.before as unknown[]).length).toBe(original.length + 2);
      expect((audit[0]?.after as unknown[]).length).toBe(4);

      const unknownId = await rejection(replaceScanners(caller, { signatures: [{ id: randomUUID(), pattern: c, enabled: true }] }));
      expect(unknownId).toMatchObject({ code: "VALIDATION" });
      expect((unknownId as AppError).fieldErrors).toHaveProperty(["signatures.0.id"]);
      expect(await listScanners(caller)).toHaveLength(4);
    } finally {
      // Other test files expect the seeded defaults.
      await replaceScanners(caller, { signatures: original.map(({ pattern, enabled, comment }) => ({ pattern, enabled, comment })) });
    }
    expect((await listScanners(caller)).map((s) => [s.pattern, s.enabled, s.comment])).toEqual(
      original.map((s) => [s.pattern, s.enabled, s.comment]),
    );
  });
});
