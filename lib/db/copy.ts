// Copies a whole inventory from one database to another (SQLite to PostgreSQL, when a fleet
// outgrows one machine): every table but the live replicas, in an order that satisfies the
// foreign keys (read from the schema), in one transaction on the target, then each table's row
// count checked. Secrets are copied sealed: the servers on the target need the same secrets key
// (its check value is copied with them, so a server with another key refuses to start).

import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';

/** Rows per read and per write. */
const PAGE = 1_000;
/** Process rows of server processes on the source: not the target's. */
const SKIPPED = new Set<string>(['Replica']);

/** The models, each after the models its foreign keys point at (from `@relation(fields: …)` in prisma/schema.prisma). */
export function copyOrder(schema = fs.readFileSync(path.join(process.cwd(), 'prisma', 'schema.prisma'), 'utf8')): string[] {
  const dependsOn = new Map<string, Set<string>>();
  for (const match of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const [, model, body] = match as unknown as [string, string, string];
    const targets = new Set<string>();
    for (const line of body.split('\n')) {
      const field = /^\s*\w+\s+(\w+)\??\s+@relation\([^)]*fields:/.exec(line);
      if (field && field[1] !== model) targets.add(field[1]!);
    }
    dependsOn.set(model, targets);
  }
  const order: string[] = [];
  const visit = (model: string, trail: string[]) => {
    if (order.includes(model)) return;
    if (trail.includes(model)) throw new Error(`foreign keys in a cycle: ${[...trail, model].join(' → ')}`);
    for (const target of dependsOn.get(model) ?? []) visit(target, [...trail, model]);
    order.push(model);
  };
  for (const model of dependsOn.keys()) visit(model, []);
  return order;
}

type Delegate = {
  count(): Promise<number>;
  findMany(args: { take: number; skip: number; orderBy: Record<string, 'asc'> }): Promise<Record<string, unknown>[]>;
  createMany(args: { data: Record<string, unknown>[] }): Promise<{ count: number }>;
};

function delegate(db: PrismaClient | Parameters<Parameters<PrismaClient['$transaction']>[0]>[0], model: string): Delegate {
  return (db as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
}

/** Each model's unique sort key for paging: its id, or its single-column primary key. */
const PAGE_KEY: Record<string, string> = { LoginThrottle: 'key', ServerSetting: 'key' };

export interface CopyResult {
  tables: { model: string; rows: number }[];
}

/** Copies `from` into `to`, which must be migrated to the same schema and hold no rows (refused otherwise, naming the table). */
export async function copyInventory(from: PrismaClient, to: PrismaClient, log: (line: string) => void = () => {}): Promise<CopyResult> {
  const order = copyOrder().filter((m) => !SKIPPED.has(m));
  const unknown = Object.values(Prisma.ModelName).filter((m) => !order.includes(m) && !SKIPPED.has(m));
  if (unknown.length > 0) throw new Error(`models missing from the copy order: ${unknown.join(', ')}`);
  for (const model of order) {
    const rows = await delegate(to, model).count();
    if (rows > 0) throw new Error(`The target already holds data (${rows} rows in ${model}): copy into a freshly migrated, empty database.`);
  }
  const tables: CopyResult['tables'] = [];
  await to.$transaction(
    async (tx) => {
      for (const model of order) {
        const key = PAGE_KEY[model] ?? 'id';
        let copied = 0;
        for (;;) {
          const page = await delegate(from, model).findMany({ take: PAGE, skip: copied, orderBy: { [key]: 'asc' } });
          if (page.length === 0) break;
          await delegate(tx, model).createMany({ data: page });
          copied += page.length;
        }
        tables.push({ model, rows: copied });
        log(`${model}: ${copied} rows`);
      }
    },
    { timeout: 60 * 60_000, maxWait: 60_000 },
  );
  for (const { model, rows } of tables) {
    const [source, target] = await Promise.all([delegate(from, model).count(), delegate(to, model).count()]);
    if (source !== rows || target !== rows) throw new Error(`${model}: ${source} rows in the source, ${rows} copied, ${target} in the target (did the source change during the copy? stop its servers first)`);
  }
  return { tables };
}
