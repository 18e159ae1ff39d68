import { NextResponse, type NextRequest } from "next/server";

// A convenience only: sends visitors without a session cookie to the sign-in page. Every page, action
// and route handler checks the session, role and tenant itself (lib/auth/guards.ts).
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  const hasSessionCookie = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSessionCookie) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/login";
  url.search = "";
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except sign-in, the API (it authenticates by token or session itself), and static files.
  matcher: ["/((?!login|api/|_next/|favicon.ico|robots.txt|icon.svg).*)"],
};
