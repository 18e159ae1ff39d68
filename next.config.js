// @ts-check
import { MAX_IMPORT_REQUEST_BYTES } from "./lib/lists/import-limit.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel development builds use separate directories (the app itself always uses .next).
  distDir: process.env.RAMPART_NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // The custom server (server.ts) runs the app; these packages stay in node_modules at run time.
  serverExternalPackages: ["@node-rs/argon2", "@electric-sql/pglite", "@electric-sql/pglite-socket", "ssh2", "pg"],
  experimental: {
    // One import limit (lib/lists/import-limit.mjs) for the proxy, which buffers request bodies, and for actions.
    serverActions: { bodySizeLimit: MAX_IMPORT_REQUEST_BYTES },
    proxyClientMaxBodySize: MAX_IMPORT_REQUEST_BYTES,
  },
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
