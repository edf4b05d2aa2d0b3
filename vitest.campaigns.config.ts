import path from 'node:path';
import { defineConfig } from 'vitest/config';

// The campaigns and fault tests (test/): real server processes on the production build, so npm
// test runs them after `next build`. One file at a time: each starts a server of its own.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') } },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
