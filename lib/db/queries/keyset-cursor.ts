import { AppError } from "@/lib/errors";
import { decodeJsonCursor, encodeJsonCursor } from "@/lib/validation/cursor-codec";

// Opaque keyset cursors for the user, token and audit lists: the sort key of a page's last (or first)
// row, as base64url JSON. Clients pass them back unchanged; anything else is a 422, never a 500.

const INVALID = "cursor is not valid: pass the cursor of the previous page unchanged.";

export function encodeKeysetCursor(key: readonly string[]): string {
  return encodeJsonCursor(key);
}

/** The error for a cursor that is well-formed but does not hold a key of the expected shape. */
export function invalidCursorError(): AppError {
  return new AppError("VALIDATION", INVALID, { cursor: [INVALID] });
}

/** The key inside a cursor this module made, with exactly `arity` parts; VALIDATION otherwise. */
export function decodeKeysetCursor(cursor: string, arity: number): string[] {
  const key = decodeJsonCursor(cursor, 2000);
  if (!Array.isArray(key) || key.length !== arity || !key.every((part) => typeof part === "string")) throw invalidCursorError();
  return key as string[];
}

/**
 * A cursor part that must be an instant exactly as toISOString writes it for years 1-9999; VALIDATION
 * otherwise. Date.parse alone is not enough: PostgreSQL refuses some text it takes ("1 2", year 0).
 */
export function cursorInstant(text: string): Date {
  const time = /^(?!0000)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString() !== text) throw invalidCursorError();
  return new Date(time);
}

export interface TwoWayPage<Item> {
  items: Item[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * The page of a two-way keyset query that read `limit + 1` rows in its direction of travel (backward for a
 * "before" cursor, so those rows come newest-last and are reversed here): the items in display order, a next
 * cursor when more lie after the page, and a previous one when the page did not start at the beginning.
 */
export function toTwoWayPage<Item>(
  rows: Item[],
  { limit, isBackward, hasCursor }: { limit: number; isBackward: boolean; hasCursor: boolean },
  cursorOf: (item: Item, direction: "after" | "before") => string,
): TwoWayPage<Item> {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  if (isBackward) items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: last !== undefined && (isBackward || hasMore) ? cursorOf(last, "after") : null,
    prevCursor: first !== undefined && hasCursor && (!isBackward || hasMore) ? cursorOf(first, "before") : null,
  };
}
