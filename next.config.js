/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native SQLite driver: loaded by Node at run time, not bundled.
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3'],
  poweredByHeader: false,
  // The dev overlay's indicator would sit on top of our pages in screenshots and demos.
  devIndicators: false,
};

export default nextConfig;
