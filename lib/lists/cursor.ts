/**
 * Opaque keyset cursors for address lists: base64url JSON of the last (or first) row's sort key and the
 * direction. Decoding validates everything (a cursor is user input); a bad one is null, never an exception.
 */
import { z } from "zod";

import { parseNetwork } from "@/lib/net/parse";
import type { ListSort } from "@/lib/validation/address-entry";
import { decodeJsonCursor, encodeJsonCursor } from "@/lib/validation/cursor-codec";

export interface ListCursor {
  sort: ListSort;
  /** "after": the page following the key; "before": the page preceding it. */
  direction: "after" | "before";
  id: string;
  /** For sort "newest". */
  createdAt?: Date;
  /** For sort "network": canonical text. */
  network?: string;
}

const payloadSchema = z.strictObject({
  s: z.enum(["newest", "network"]),
  d: z.enum(["a", "b"]),
  i: z.uuid(),
  c: z.iso.datetime({ offset: false }).optional(),
  n: z.string().max(64).optional(),
});

export function encodeCursor(cursor: ListCursor): string {
  const payload = {
    s: cursor.sort,
    d: cursor.direction === "after" ? "a" : "b",
    i: cursor.id,
    ...(cursor.sort === "newest" ? { c: cursor.createdAt?.toISOString() } : { n: cursor.network }),
  };
  return encodeJsonCursor(payload);
}

/** The cursor, or null if it is malformed or belongs to another sort order. */
export function decodeCursor(text: string, sort: ListSort): ListCursor | null {
  const parsed = payloadSchema.safeParse(decodeJsonCursor(text, 512));
  if (!parsed.success || parsed.data.s !== sort) return null;
  const { d, i, c, n } = parsed.data;
  const direction = d === "a" ? "after" : "before";
  if (sort === "newest") {
    if (c === undefined || n !== undefined) return null;
    return { sort, direction, id: i, createdAt: new Date(c) };
  }
  if (n === undefined || c !== undefined) return null;
  const network = parseNetwork(n);
  if (!network.ok || network.value.canonical !== n) return null;
  return { sort, direction, id: i, network: n };
}
