// Cross-site request forgery guard shared by the REST API (cookie-authenticated writes), the proxy (server
// actions, before Next.js's own check, which answers a foreign Origin with a 500) and runAction. A browser
// always sends Origin on a cross-site POST and cannot forge it, nor add X-Forwarded-Host; so a write that
// rides on the session cookie must name this host in Origin. A missing Origin is refused too: only old or
// non-browser clients omit it, and those can use an API token. Pure: takes the headers, reads nothing else.

export interface HeaderReader {
  get(name: string): string | null;
}

/** The host (hostname[:port]) of an Origin header value, or null for `null`, a malformed value or a non-http one. */
export function originHost(origin: string | null): string | null {
  if (origin === null || origin === "null") return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // An Origin is scheme://host[:port] and nothing else; anything more is not a browser's.
  if (url.origin !== origin.toLowerCase().replace(/\/$/, "") || url.username || url.password) return null;
  return url.host;
}

/**
 * Whether the request's Origin names the host it was sent to (Host, or the first X-Forwarded-Host a reverse
 * proxy set, as Next.js compares for server actions). False for a missing, `null`, malformed or foreign Origin.
 */
export function isSameOriginRequest(headers: HeaderReader): boolean {
  const host = originHost(headers.get("origin"));
  if (host === null) return false;
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim().toLowerCase();
  const direct = headers.get("host")?.trim().toLowerCase();
  return host === forwarded || host === direct;
}

/** The refusal every transport gives a cross-origin or Origin-less write. */
export const CROSS_ORIGIN_MESSAGE = "Cross-origin requests must use an API token; a browser form must be sent from this site.";

/**
 * The proxy's answer to a server-action POST (it carries `Next-Action`) whose Origin is missing or foreign:
 * a 403 before Next.js's own check, which answers a foreign Origin with a 500 and lets a missing one through.
 * Null for every other request.
 */
export function refuseCrossOriginAction(request: { method: string; headers: HeaderReader }): Response | null {
  if (request.method !== "POST" || request.headers.get("next-action") === null) return null;
  if (isSameOriginRequest(request.headers)) return null;
  return new Response(CROSS_ORIGIN_MESSAGE, { status: 403, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
