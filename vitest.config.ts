import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Server-only modules (`import 'server-only'`) run in tests as they do on the server.
  resolve: { alias: { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') } },
  test: {
    environment: 'node',
    include: ['proxy.test.ts', 'lib/**/*.test.ts', 'server/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'prisma/**/*.test.ts', 'scripts/**/*.test.ts', 'agent/**/*.test.ts', 'app/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**', 'test/**', 'agent/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
