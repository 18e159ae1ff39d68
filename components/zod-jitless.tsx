"use client";

import { z } from "zod";

// The CSP allows no eval, so zod's compiled (JIT) parsers cannot run in the browser. Saying so up front
// stops zod from probing with Function(""), which the browser reports as a CSP violation on every page.
// Rendered by the root layout so this runs before any client component parses anything.
z.config({ jitless: true });

export function ZodJitless(): null {
  return null;
}
