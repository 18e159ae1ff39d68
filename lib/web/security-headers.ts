// The response headers that make the browser enforce what the server cannot: which scripts may run, that
// no other site may frame Rampart, and (behind HTTPS) that plain HTTP is never used again. Pure: the
// caller passes the nonce and the environment facts, so the text is testable and the same everywhere.

/** Two years, with subdomains: what HSTS preload lists ask for. Sent only when the public URL is HTTPS. */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** A fresh CSP nonce: 128 random bits, base64 (a CSP nonce-source allows base64 characters). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of every page. Scripts run only with this response's nonce ('strict-dynamic'
 * lets Next.js's nonce-carrying loader add its own chunks); no plugins, no <base> hijack, no framing.
 * Styles allow inline: React and Recharts set style attributes, which nonces cannot cover, and CSS cannot
 * run code. Development mode needs 'unsafe-eval' for React's debugging aids and a WebSocket for reloads.
 */
export function buildContentSecurityPolicy(nonce: string, options: { isDevelopment: boolean; isHttps: boolean }): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(options.isDevelopment ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'", ...(options.isDevelopment ? ["ws:", "wss:"] : [])],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    ["frame-src", "'none'"],
    ["worker-src", "'self'", "blob:"],
    ["manifest-src", "'self'"],
  ];
  if (options.isHttps) directives.push(["upgrade-insecure-requests"]);
  return directives.map((parts) => parts.join(" ")).join("; ");
}
