import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const INCLUDE = ['proxy.test.ts', 'lib/**/*.test.ts', 'server/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'prisma/**/*.test.ts', 'scripts/**/*.test.ts', 'agent/**/*.test.ts', 'app/**/*.test.ts'];

/**
 * Test files that open a database of their own (lib/db/testing.ts) or use the test server
 * (inject('postgresUrl')): they run on SQLite and again on PostgreSQL.
 */
function databaseTests(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'generated') walk(file);
      } else if (entry.name.endsWith('.test.ts') && /createTestDatabase|inject\('postgresUrl'\)/.test(fs.readFileSync(file, 'utf8'))) {
        found.push(path.relative(import.meta.dirname, file));
      }
    }
  };
  for (const dir of ['lib', 'app', 'server', 'prisma', 'scripts']) if (fs.existsSync(dir)) walk(path.join(import.meta.dirname, dir));
  return found.sort();
}

export default defineConfig({
  // Server-only modules (`import 'server-only'`) run in tests as they do on the server.
  resolve: { alias: { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') } },
  test: {
    environment: 'node',
    // The server's JSON log (lib/log.ts) stays out of the test output; LOG_LEVEL=debug shows it.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    exclude: ['**/node_modules/**', 'e2e/**', 'test/**', 'agent/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: INCLUDE } },
      {
        extends: true,
        test: {
          name: 'postgresql',
          include: databaseTests(),
          env: { TEST_DATABASE: 'postgresql', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
          globalSetup: ['lib/db/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
