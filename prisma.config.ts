import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma's native schema engine cannot be downloaded in air-gapped sites (nor on our CI).
// This small executable speaks the engine's JSON-RPC and forwards to @prisma/schema-engine-wasm,
// so `prisma generate` and `prisma migrate deploy` work offline. See CONTRIBUTING.md.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, 'scripts', 'prisma-schema-engine', 'engine.mjs');

const url = process.env.DATABASE_URL ?? 'file:./data/fleet.db';
// SQLite (the embedded default) and PostgreSQL each have their schema and migrations folder:
// prisma/postgresql/ is generated from prisma/schema.prisma (scripts/postgres-schema.mjs).
const postgres = /^postgres(ql)?:/i.test(url);

export default defineConfig({
  schema: postgres ? 'prisma/postgresql/schema.prisma' : 'prisma/schema.prisma',
  migrations: {
    path: postgres ? 'prisma/postgresql/migrations' : 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: { url },
});
