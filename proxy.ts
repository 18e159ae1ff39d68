import { NextResponse, type NextRequest } from "next/server";
import { refuseCrossOriginAction } from "@/lib/auth/request-origin";
import { getEnv, isPublicUrlHttps } from "@/lib/env";
import { buildContentSecurityPolicy, createNonce, HSTS_VALUE } from "@/lib/web/security-headers";

// Two jobs, both conveniences rather than boundaries. (1) Every page, the sign-in page included, gets a
// fresh CSP nonce: Next.js reads it from the request's Content-Security-Policy header and puts it on its
// own scripts, the root layout reads x-nonce for the theme script, and the browser gets the policy.
// (2) Visitors of dashboard pages without a session cookie are sent to sign in. Every page, action and
// route handler checks the session, role and tenant itself (lib/auth/guards.ts). The API is not matched:
// its JSON needs no CSP, lib/api/handler.ts sets its headers, and the proxy would cap its request bodies.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC_PAGES = new Set(["/login"]);

function withSecurityHeaders(response: NextResponse, policy: string): NextResponse {
  response.headers.set("Content-Security-Policy", policy);
  if (isPublicUrlHttps()) response.headers.set("Strict-Transport-Security", HSTS_VALUE);
  return response;
}

export function proxy(request: NextRequest) {
  const refused = refuseCrossOriginAction(request);
  if (refused) return refused;
  const nonce = createNonce();
  const policy = buildContentSecurityPolicy(nonce, { isDevelopment: getEnv().NODE_ENV === "development", isHttps: isPublicUrlHttps() });

  const hasSessionCookie = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!hasSessionCookie && !PUBLIC_PAGES.has(request.nextUrl.pathname)) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = "";
    const target = request.nextUrl.pathname + request.nextUrl.search;
    if (target !== "/") url.searchParams.set("callbackUrl", target);
    return withSecurityHeaders(NextResponse.redirect(url), policy);
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), policy);
}

export const config = {
  // Pages only: not the API (see above), static files or Next.js's own assets.
  matcher: ["/((?!api/|_next/|favicon.ico|robots.txt|icon.svg).*)"],
};
