// The server refuses to start on a PostgreSQL it cannot reach, in one line, before Next loads.

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseProblem } from './database-check.mjs';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the database check at start', () => {
  it('lets SQLite through without looking', async () => {
    expect(await databaseProblem('file:./data/fleet.db')).toBeNull();
    expect(await databaseProblem(undefined)).toBeNull();
  });

  it('names the PostgreSQL server nobody answers at and what to check', async () => {
    const port = await closedPort();
    expect(await databaseProblem(`postgresql://fleet@127.0.0.1:${port}/fleet`)).toBe(
      `Cannot use PostgreSQL at 127.0.0.1:${port}, database "fleet": nothing answers there (connection refused). Check DATABASE_URL.`,
    );
  });

  it('makes the server exit with that one line, no stack trace', async () => {
    const port = await closedPort();
    const result = spawnSync(process.execPath, [path.join(import.meta.dirname, 'index.mjs'), '--port', '0'], {
      env: { ...process.env, DATABASE_URL: `postgresql://fleet:secret-password@127.0.0.1:${port}/fleet` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`✕ Cannot use PostgreSQL at 127.0.0.1:${port}, database "fleet": nothing answers there (connection refused). Check DATABASE_URL.`);
    expect(result.stderr).not.toContain('secret-password');
  });
});
