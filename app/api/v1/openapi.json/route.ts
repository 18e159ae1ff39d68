import { createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi/index";

// GET /api/v1/openapi.json — readable without authentication: it describes the API and holds no data.
// The document only changes with a new build, so it is built once per process and cached by clients
// (ETag for revalidation).

const CACHE_CONTROL = "public, max-age=300, must-revalidate";

let cached: { body: string; etag: string } | undefined;

function getDocument(): { body: string; etag: string } {
  if (!cached) {
    const body = JSON.stringify(buildOpenApiDocument());
    cached = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"` };
  }
  return cached;
}

export function GET(request: NextRequest): Response {
  try {
    const { body, etag } = getDocument();
    const headers = { "Cache-Control": CACHE_CONTROL, ETag: etag, "Access-Control-Allow-Origin": "*" };
    const ifNoneMatch = request.headers.get("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, { headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  } catch (error) {
    return errorResponse(error);
  }
}
