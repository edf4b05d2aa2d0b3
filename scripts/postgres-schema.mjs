#!/usr/bin/env node
// prisma/schema.prisma is the one schema (SQLite, the embedded default). PostgreSQL gets a copy
// with its own provider and generated client, written by this script:
//
//   node scripts/postgres-schema.mjs          writes prisma/postgresql/schema.prisma
//   node scripts/postgres-schema.mjs --check  exits 1 if that file is not what it would write
//
// The schema is portable on purpose (no provider-specific types), so the copy differs only in the
// datasource's provider and the client's output folder. Each migration lands twice: in
// prisma/migrations (SQLite) and prisma/postgresql/migrations (PostgreSQL); see CONTRIBUTING.md.

import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const SQLITE_SCHEMA = path.join(root, 'prisma', 'schema.prisma');
export const POSTGRES_SCHEMA = path.join(root, 'prisma', 'postgresql', 'schema.prisma');

/** @param {string} sqlite The text of prisma/schema.prisma. */
export function postgresSchema(sqlite) {
  const replace = (text, pattern, by, what) => {
    if (!pattern.test(text)) throw new Error(`prisma/schema.prisma: ${what} not found`);
    return text.replace(pattern, by);
  };
  let text = replace(sqlite, /(datasource db \{\s*provider\s*=\s*)"sqlite"/, '$1"postgresql"', 'datasource db { provider = "sqlite" }');
  text = replace(text, /(output\s*=\s*)"\.\.\/lib\/generated\/prisma"/, '$1"../../lib/generated/prisma-postgresql"', 'the client output "../lib/generated/prisma"');
  return `// GENERATED from prisma/schema.prisma by scripts/postgres-schema.mjs: edit that file, then run\n// \`node scripts/postgres-schema.mjs\`. Only the provider and the client's folder differ.\n\n${text}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wanted = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, 'utf8'));
  const present = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, 'utf8') : null;
  if (process.argv.includes('--check')) {
    if (present !== wanted) {
      console.error('prisma/postgresql/schema.prisma is out of date with prisma/schema.prisma: run `node scripts/postgres-schema.mjs`.');
      process.exit(1);
    }
  } else if (present !== wanted) {
    fs.mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
    fs.writeFileSync(POSTGRES_SCHEMA, wanted);
    console.log('Wrote prisma/postgresql/schema.prisma');
  }
}
