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
