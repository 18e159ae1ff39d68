// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel development builds use separate directories (the app itself always uses .next).
  distDir: process.env.RAMPART_NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // The custom server (server.ts) runs the app; these packages stay in node_modules at run time.
  serverExternalPackages: ["@node-rs/argon2", "@electric-sql/pglite", "@electric-sql/pglite-socket", "ssh2", "pg"],
  // No experimental options: imports go to the API routes (which the proxy does not run for and which stream
  // the body under lib/lists/import-limit.mjs), so server actions keep Next.js's default 1 MB body limit.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
