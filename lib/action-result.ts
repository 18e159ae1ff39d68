import { z } from "zod";
import { CROSS_ORIGIN_MESSAGE, isSameOriginRequest } from "@/lib/auth/request-origin";
import { AppError, DATABASE_UNAVAILABLE_MESSAGE, isAppError, isDatabaseUnavailable } from "@/lib/errors";

// The one shape every server action returns, and the one place that maps failures to it. Client components
// import only the types from here; runAction runs on the server, inside an action's request.

export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** zod issues as `{ field: [messages] }` for forms (the root issue under "_form"). */
export function toFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Runs an action body; expected failures become messages, anything else is logged and hidden. An action is a
 * cookie-authenticated write: like the API, it runs only for a request whose Origin is this site (the proxy
 * already answers others with a 403; this holds wherever the proxy does not run).
 */
export async function runAction<T>(body: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    // Loaded on use: this module is also imported outside a Next.js request (start-up, CLI, worker), where
    // next/headers cannot even be loaded before Next.js has set up its request storage.
    const { headers } = await import("next/headers");
    if (!isSameOriginRequest(await headers())) throw new AppError("FORBIDDEN", CROSS_ORIGIN_MESSAGE);
    return { ok: true, data: await body() };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, error: "Check the highlighted fields.", fieldErrors: toFieldErrors(error) };
    if (isAppError(error)) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    // Next.js signals redirects and not-found by throwing: let them through.
    if (error instanceof Error && "digest" in error && typeof error.digest === "string" && error.digest.startsWith("NEXT_")) throw error;
    if (isDatabaseUnavailable(error)) {
      console.error("rampart: action failed: database unavailable", error);
      return { ok: false, error: DATABASE_UNAVAILABLE_MESSAGE };
    }
    console.error("rampart: action failed", error);
    return { ok: false, error: "Something went wrong on the server. The change was not saved." };
  }
}
