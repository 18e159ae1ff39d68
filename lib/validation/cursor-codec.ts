// The one encoding of every opaque page cursor (tenants and call limits, users/tokens/audit/bans, address
// lists): base64url without padding of UTF-8 text, usually JSON. Works in Node and in browsers. A cursor is
// user input: decoding is strict (alphabet, length, valid UTF-8, exact round trip) and returns null instead
// of throwing; each caller then checks the shape of what it finds inside. What comes out never holds a control
// character or an unpaired surrogate (lib/validation/text), so no cursor can smuggle a NUL into a query.
import { findUnsafeCharacter, findUnsafeValue } from "./text";

/** base64url (no padding) of the UTF-8 bytes of `text`. */
export function encodeBase64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text inside `cursor`, or null unless it is exactly what encodeBase64Url makes, at most `maxChars` long. */
export function decodeBase64Url(cursor: string, maxChars: number): string | null {
  if (cursor.length === 0 || cursor.length > maxChars || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return encodeBase64Url(text) === cursor && findUnsafeCharacter(text) === null ? text : null;
  } catch {
    return null;
  }
}

export function encodeJsonCursor(value: unknown): string {
  return encodeBase64Url(JSON.stringify(value));
}

/** The JSON value inside a cursor, or undefined when the cursor is not one (null is a JSON value). */
export function decodeJsonCursor(cursor: string, maxChars: number): unknown {
  const text = decodeBase64Url(cursor, maxChars);
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    // JSON escapes (\u0000, \ud800) bring back what the text check above refused.
    return findUnsafeValue(value) === null ? value : undefined;
  } catch {
    return undefined;
  }
}
