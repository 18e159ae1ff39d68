/**
 * Content hashes. Each artefact is hashed once (SHA-256 of its UTF-8 bytes); the ruleset version is SHA-256 over
 * the lines `<path>\n<byte length>\n<file sha256>\n` of every artefact except manifest.json, in ascending path
 * order, so no two different file sets hash alike and a 40 MB ipset.restore is read once. The manifest then
 * carries the version and the per-file hashes (it cannot be part of what it names). Identical artefacts give
 * the same version whichever node or policy row they came from.
 */
import { createHash } from "node:crypto";

import { ARTEFACT_PATHS } from "./names";

/** SHA-256 hex of one text, UTF-8. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** Per-file SHA-256 and byte length, by path (ascending), manifest.json excluded. */
export function digestFiles(files: Readonly<Record<string, string>>): Record<string, FileDigest> {
  const out: Record<string, FileDigest> = {};
  for (const path of Object.keys(files).sort()) {
    if (path === ARTEFACT_PATHS.manifest) continue;
    const content = files[path] as string;
    out[path] = { sha256: sha256Hex(content), bytes: Buffer.byteLength(content, "utf8") };
  }
  return out;
}

/** The ruleset version from per-file digests; deterministic. */
export function versionOf(digests: Readonly<Record<string, FileDigest>>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(digests).sort()) {
    const digest = digests[path] as FileDigest;
    hash.update(`${path}\n${digest.bytes}\n${digest.sha256}\n`, "utf8");
  }
  return hash.digest("hex");
}

/** The ruleset version of a set of artefacts (manifest.json excluded); deterministic. */
export function hashArtefacts(files: Readonly<Record<string, string>>): string {
  return versionOf(digestFiles(files));
}

/**
 * SHA-256 of the snapshot as canonical JSON (object keys sorted by UTF-16 code units, no whitespace, undefined
 * left out), fed piece by piece so a million-entry list is never one string. Key order does not matter, so the
 * digest can be recomputed from a copy stored as PostgreSQL jsonb.
 */
export function digestCanonicalJson(value: unknown): string {
  const hash = createHash("sha256");
  let parts: string[] = [];
  const write = (text: string) => {
    parts.push(text);
    if (parts.length >= 8192) {
      hash.update(parts.join(""), "utf8");
      parts = [];
    }
  };
  const visit = (node: unknown): void => {
    if (node === null || typeof node === "boolean" || typeof node === "string") {
      write(JSON.stringify(node));
    } else if (typeof node === "number") {
      if (!Number.isFinite(node)) throw new Error("Canonical JSON cannot hold non-finite numbers.");
      write(JSON.stringify(node));
    } else if (Array.isArray(node)) {
      write("[");
      for (let i = 0; i < node.length; i++) {
        if (i > 0) write(",");
        const item: unknown = node[i];
        visit(item === undefined ? null : item);
      }
      write("]");
    } else if (typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (isAddressEntryShape(record)) {
        // Fast path for the million-entry lists; same bytes as the general case below.
        const expiresAt = record.expiresAt === undefined ? "" : `,"expiresAt":${JSON.stringify(record.expiresAt)}`;
        write(`{"comment":${JSON.stringify(record.comment)}${expiresAt},"network":${JSON.stringify(record.network)}}`);
        return;
      }
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      write("{");
      keys.forEach((key, i) => {
        write(`${i > 0 ? "," : ""}${JSON.stringify(key)}:`);
        visit(record[key]);
      });
      write("}");
    } else {
      throw new Error(`Canonical JSON cannot hold a ${typeof node}.`);
    }
  };
  visit(value);
  hash.update(parts.join(""), "utf8");
  return hash.digest("hex");
}

/** { network, comment[, expiresAt] } with string (or null expiry) values and no other keys. */
function isAddressEntryShape(record: Record<string, unknown>): boolean {
  if (typeof record.network !== "string" || typeof record.comment !== "string") return false;
  const expiresAt = record.expiresAt;
  if (expiresAt !== undefined && expiresAt !== null && typeof expiresAt !== "string") return false;
  let keys = 0;
  for (const key in record) {
    if (key !== "network" && key !== "comment" && key !== "expiresAt") return false;
    keys++;
  }
  return keys <= 3 && Object.getPrototypeOf(record) === Object.prototype;
}
