/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native SQLite driver: loaded by Node at run time, not bundled. prom-client too: one copy in
  // the process for the worker's bundle and the routes' (lib/metrics/registry.ts).
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'undici', 'prom-client'],
  poweredByHeader: false,
  // Lets two builds (e.g. a test run in a second checkout task) live side by side.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // The dev overlay's indicator would sit on top of our pages in screenshots and demos.
  devIndicators: false,
  // The Content-Security-Policy (with its per-request nonce) is set in proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};

export default nextConfig;
