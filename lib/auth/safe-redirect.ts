// The one check for every post-sign-in (and sign-out) redirect target. A target is accepted only when it
// is a path of this very origin: the WHATWG URL parser (the one browsers use) resolves it against the app
// origin and the resulting origin must be the same. Before parsing, raw text with C0 controls or DEL (the
// shared text rule of lib/validation/text) is refused, because the parser silently drops tabs and newlines
// ("/\t/evil.example/" becomes "//evil.example/", a protocol-relative URL to another site) and a newline in
// a Location header is a 500;
// backslashes are refused because browsers read "/\evil.example" as "//evil.example". The path the
// parser produced must not start with "//" either ("/.//evil.example" normalizes to one).

import { findUnsafeCharacter } from "@/lib/validation/text";

export const SAFE_REDIRECT_FALLBACK = "/";
const MAX_TARGET_LENGTH = 2_000;

/**
 * A same-origin path (path, query and fragment) to redirect to, or "/" for anything else. `appOrigin` is
 * the app's public origin; with `isAbsoluteAllowed` an absolute URL of exactly that origin is accepted too
 * (next-auth passes those), never one of another origin.
 */
export function toSafeRedirectPath(target: unknown, appOrigin: string, options: { isAbsoluteAllowed?: boolean } = {}): string {
  const text = Array.isArray(target) ? target[0] : target;
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_TARGET_LENGTH) return SAFE_REDIRECT_FALLBACK;
  if (findUnsafeCharacter(text) !== null || text.includes("\\")) return SAFE_REDIRECT_FALLBACK;
  const isPath = text.startsWith("/") && !text.startsWith("//");
  if (!isPath && !options.isAbsoluteAllowed) return SAFE_REDIRECT_FALLBACK;
  let base: URL;
  let url: URL;
  try {
    base = new URL(appOrigin);
    url = new URL(text, base);
  } catch {
    return SAFE_REDIRECT_FALLBACK;
  }
  if (url.origin !== base.origin || url.username || url.password) return SAFE_REDIRECT_FALLBACK;
  if (url.pathname.startsWith("//")) return SAFE_REDIRECT_FALLBACK;
  return `${url.pathname}${url.search}${url.hash}`;
}
