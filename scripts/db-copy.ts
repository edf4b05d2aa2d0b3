// `npm run db:copy -- --from file:./data/fleet.db --to postgresql://fleet@db:5432/fleet`
// Copies a whole inventory (hosts, secrets, users, audit, policies, rollouts, …) into an empty,
// migrated database: first `DATABASE_URL=<target> npm run db:migrate`, and stop the servers on the
// source. See README "PostgreSQL".

import { parseArgs } from 'node:util';
import { createPrismaClient } from '@/lib/db/client';
import { copyInventory } from '@/lib/db/copy';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });

function fail(message: string): never {
  console.error(`db:copy: ${message}`);
  process.exit(2);
}

if (!values.from || !values.to) fail('--from URL and --to URL are required (e.g. --from file:./data/fleet.db --to postgresql://user@host:5432/fleet)');
const from = createPrismaClient(values.from);
const to = createPrismaClient(values.to);
try {
  const started = Date.now();
  const { tables } = await copyInventory(from, to, (line) => console.log(line));
  console.log(`Copied ${tables.reduce((n, t) => n + t.rows, 0)} rows in ${tables.length} tables in ${((Date.now() - started) / 1000).toFixed(1)} s; each table's count checked.`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await Promise.all([from.$disconnect(), to.$disconnect()]);
}
