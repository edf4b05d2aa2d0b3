// What /readyz answers a load balancer: can this server process take requests? The database
// answers, its schema is the one this code was written for (every folder of prisma/migrations
// applied, nothing applied that the code does not know), and the operations worker runs in this
// process and is not stuck in a pass. Each check is named with its state and why.

import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { prisma } from '@/lib/db/client';
import { heartbeat } from '@/lib/background-loop';
import { env } from '@/lib/env';

export type CheckState = 'ok' | 'failing' | 'skipped' | 'off';

export interface Check {
  state: CheckState;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: Check; migrations: Check; worker: Check };
}

export interface ReadinessDeps {
  /** The client to ask; a function because opening it is what fails when the file cannot be opened. */
  database: () => PrismaClient;
  migrationsDir: string;
  /** Whether this server is meant to run the worker (FLEET_BACKGROUND). */
  backgroundEnabled: boolean;
  now: number;
}

/** Relative to the working directory, like DATABASE_URL's default and the secrets key file. */
export const MIGRATIONS_DIR = path.join('prisma', 'migrations');

/** The channel the operations worker's loop runs on (lib/operations/worker.ts). */
const WORKER_CHANNEL = 'operations';

/** A pass over the queue takes milliseconds; one under way this long no longer moves. */
export function stuckAfterMs(pollMs: number): number {
  return Math.max(60_000, 10 * pollMs);
}

const ok = (detail: string): Check => ({ state: 'ok', detail });
const failing = (detail: string): Check => ({ state: 'failing', detail });

/** The line of an error that says what went wrong, short enough for a probe's answer. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Prisma's messages open with "Invalid `prisma.$queryRaw()` invocation:"; the cause comes after.
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/^Invalid `.*` invocation:?$/.test(l)) ?? 'unknown error';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function databaseCheck(database: () => PrismaClient): Promise<{ check: Check; client: PrismaClient | null }> {
  try {
    const client = database();
    await client.$queryRaw`SELECT 1`;
    return { check: ok('answers'), client };
  } catch (error) {
    return { check: failing(`does not answer: ${reason(error)}`), client: null };
  }
}

/** Prisma's rule: a migration is a folder holding migration.sql. */
export function migrationFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

interface MigrationRow {
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

const list = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', '));

async function migrationsCheck(client: PrismaClient, dir: string): Promise<Check> {
  let folders: string[];
  try {
    folders = migrationFolders(dir);
  } catch (error) {
    return failing(`cannot read the migrations folder ${dir}: ${reason(error)}`);
  }
  let rows: MigrationRow[];
  try {
    // _prisma_migrations is Prisma's own table, outside the schema: only raw SQL reads it.
    rows = await client.$queryRaw<MigrationRow[]>`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`;
  } catch (error) {
    const text = reason(error);
    if (/no such table|does not exist/i.test(text)) return failing(`none of the ${folders.length} migrations is applied (no _prisma_migrations table): run npm run db:migrate`);
    return failing(`cannot read _prisma_migrations: ${text}`);
  }
  // A migration that failed and was rolled back leaves its row beside the one of the retry.
  const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
  const failed = [...new Set(rows.filter((r) => r.finished_at === null && r.rolled_back_at === null && !applied.has(r.migration_name)).map((r) => r.migration_name))].sort();
  const known = new Set(folders);
  const pending = folders.filter((name) => !applied.has(name) && !failed.includes(name));
  const unknown = [...applied].filter((name) => !known.has(name)).sort();

  const problems: string[] = [];
  if (failed.length) problems.push(`failed and not rolled back: ${list(failed)} (see npx prisma migrate status)`);
  if (pending.length) problems.push(`not applied: ${list(pending)} (run npm run db:migrate)`);
  if (unknown.length) problems.push(`applied but not in ${dir}: ${list(unknown)} (the database is newer than this server)`);
  if (problems.length) return failing(problems.join('; '));
  return ok(`${applied.size} applied, none pending`);
}

function workerCheck(backgroundEnabled: boolean, now: number): Check {
  if (!backgroundEnabled) return { state: 'off', detail: 'FLEET_BACKGROUND=off: this server runs no operations' };
  const beat = heartbeat(WORKER_CHANNEL);
  if (!beat) return failing('the operations worker is not running in this process (it starts with the server: see the server log)');
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  if (beat.passStartedAt !== null && now - beat.passStartedAt > stuckAfterMs(beat.pollMs)) {
    return failing(`a pass over the operations queue has been under way for ${seconds(now - beat.passStartedAt)}`);
  }
  if (beat.lastPassEndedAt === null) return ok('running, first pass under way');
  return ok(`running, last pass ${seconds(Math.max(0, now - beat.lastPassEndedAt))} ago`);
}

export async function checkReadiness(deps: Partial<ReadinessDeps> = {}): Promise<Readiness> {
  const database = await databaseCheck(deps.database ?? (() => prisma));
  const migrations = database.client
    ? await migrationsCheck(database.client, deps.migrationsDir ?? MIGRATIONS_DIR)
    : { state: 'skipped' as const, detail: 'the database does not answer' };
  const worker = workerCheck(deps.backgroundEnabled ?? env.backgroundEnabled, deps.now ?? Date.now());
  const checks = { database: database.check, migrations, worker };
  return { ready: Object.values(checks).every((c) => c.state === 'ok' || c.state === 'off'), checks };
}

/** The answer to a probe: 200 when ready, 503 naming the failing checks; never cached. */
export function readinessResponse(readiness: Readiness): Response {
  const failingChecks = Object.entries(readiness.checks)
    .filter(([, c]) => c.state === 'failing')
    .map(([name]) => name);
  const body = readiness.ready ? { status: 'ready', checks: readiness.checks } : { status: 'not-ready', failing: failingChecks, checks: readiness.checks };
  return Response.json(body, { status: readiness.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
