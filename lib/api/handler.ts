import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { callerFromUser, assertPermission, type Caller } from "@/lib/auth/caller";
import { getClientIp } from "@/lib/auth/client-ip";
import { CROSS_ORIGIN_MESSAGE, isSameOriginRequest } from "@/lib/auth/request-origin";
import type { Permission } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { toFieldErrors } from "@/lib/action-result";
import { findActiveToken, touchToken } from "@/lib/db/queries/tokens";
import { AppError, DATABASE_UNAVAILABLE_MESSAGE, isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { isPublicUrlHttps } from "@/lib/env";
import { HSTS_VALUE } from "@/lib/web/security-headers";
import { assertSafeInput } from "@/lib/validation/text";

// The one wrapper around every /api/v1 route handler: authenticates (bearer token, or the browser
// session for same-origin requests), checks the permission, and maps every failure to a 4xx with a
// message — zod errors to 422, AppError to its status. Only a genuine bug is a (logged, generic) 500.

export interface ApiContext<P> {
  request: NextRequest;
  caller: Caller;
  params: P;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

async function authenticate(request: NextRequest): Promise<Caller> {
  const ip = getClientIp(request.headers);
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer ([A-Za-z0-9_-]{1,100})$/.exec(authorization);
    const token = match ? await findActiveToken(match[1]!) : null;
    if (!token) throw new AppError("UNAUTHENTICATED", "The API token is missing, invalid, expired or revoked.");
    await touchToken(token.id, ip);
    return { role: token.role, tenantId: token.tenantId, actor: { type: "TOKEN", id: token.id, label: `token:${token.name}`, ip } };
  }
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Send an API token as `Authorization: Bearer <token>`.");
  // A session cookie rides along on cross-site requests: only same-origin browser calls may change data.
  if (request.method !== "GET" && request.method !== "HEAD" && !isSameOriginRequest(request.headers)) {
    throw new AppError("FORBIDDEN", CROSS_ORIGIN_MESSAGE);
  }
  return callerFromUser(user, ip);
}

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof z.ZodError) {
    const fieldErrors = toFieldErrors(error);
    const first = Object.entries(fieldErrors)[0];
    const message = first ? (first[0] === "_form" ? first[1][0] : `${first[0]}: ${first[1][0]}`) : "Invalid input.";
    return NextResponse.json({ error: message, fieldErrors }, { status: 422 });
  }
  if (isAppError(error)) {
    return NextResponse.json({ error: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) }, { status: error.status });
  }
  if (isDatabaseUnavailable(error)) {
    console.error("rampart: API request failed: database unavailable", error);
    return NextResponse.json({ error: DATABASE_UNAVAILABLE_MESSAGE }, { status: 503, headers: { "Retry-After": "5" } });
  }
  console.error("rampart: API request failed", error);
  return NextResponse.json({ error: "Internal error. The request was not completed." }, { status: 500 });
}

/** Reads a JSON body: 400 for malformed JSON or an oversized body, 422 for text no field may hold (NUL, lone surrogates). */
export async function readJson(request: NextRequest, maxBytes = 1_000_000): Promise<unknown> {
  return parseJsonBody(await request.text(), maxBytes);
}

/** readJson for a route whose body may be left out: an empty body reads as `{}` (every field defaulted). */
export async function readOptionalJson(request: NextRequest, maxBytes = 1_000_000): Promise<unknown> {
  const text = await request.text();
  return text.trim() === "" ? {} : parseJsonBody(text, maxBytes);
}

function parseJsonBody(text: string, maxBytes: number): unknown {
  if (text.length > maxBytes) throw new AppError("BAD_REQUEST", `The body is larger than ${maxBytes} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }
  assertSafeInput(body, "Field");
  return body;
}

/**
 * A body as text (a file import), read chunk by chunk and refused with `tooLargeMessage` as soon as it passes
 * `maxBytes`: an oversized upload is never held whole. Invalid UTF-8 becomes U+FFFD, as request.text() does.
 */
export async function readBodyText(request: NextRequest, maxBytes: number, tooLargeMessage: string): Promise<string> {
  if (request.body === null) return "";
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new AppError("BAD_REQUEST", tooLargeMessage);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join("");
}

/** Wraps a route handler: authentication, permission, parsed params, error mapping. */
export function apiRoute<P extends z.ZodType>(
  options: { permission: Permission; params?: P },
  handler: (ctx: ApiContext<z.infer<P>>) => Promise<Response | unknown>,
) {
  return async (request: NextRequest, context: RouteContext): Promise<Response> => {
    try {
      const caller = await authenticate(request);
      assertPermission(caller, options.permission);
      const rawParams = context?.params ? await context.params : {};
      // Before any handler: a NUL or lone surrogate in the URL is refused here, whatever the route's schema.
      assertSafeInput(rawParams, "Path parameter");
      assertSafeInput(Object.fromEntries(request.nextUrl.searchParams), "Query parameter");
      const params = options.params ? options.params.parse(rawParams) : rawParams;
      const result = await handler({ request, caller, params: params as z.infer<P> });
      return withApiHeaders(result instanceof Response ? result : NextResponse.json(result));
    } catch (error) {
      if (error instanceof z.ZodError && options.params && error.issues.some((i) => i.path.length === 1 && i.path[0] === "id")) {
        return withApiHeaders(NextResponse.json({ error: "Not found." }, { status: 404 }));
      }
      return withApiHeaders(errorResponse(error));
    }
  };
}

/**
 * API answers hold policy, users and tokens: no cache (browser, proxy) may keep them unless a handler
 * says otherwise, and behind HTTPS the browser is told never to use plain HTTP (the proxy does the same
 * for pages; it does not run for the API).
 */
function withApiHeaders(response: Response): Response {
  if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
  if (isPublicUrlHttps()) response.headers.set("Strict-Transport-Security", HSTS_VALUE);
  return response;
}
