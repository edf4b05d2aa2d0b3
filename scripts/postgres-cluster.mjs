// A throwaway PostgreSQL server for tests and benchmarks, from the distribution's packages
// (Debian: apt-get install postgresql): initdb into a temp folder, pg_ctl start on a loopback port,
// stopped and deleted at the end. Nothing here is for production use: trust authentication.
//
// As root (CI), the server runs as the `postgres` user the package creates: initdb refuses root.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The folder of initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN to the folder of initdb and pg_ctl).');
  }
  return path.join(base, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server; `url(database)` is its connection URL for a database (default `postgres`).
 * @returns {Promise<{ port: number, url: (database?: string) => string, stop: () => void }>}
 */
export async function startPostgres() {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-pg-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (asRoot) {
    const { uid, gid } = postgresUser();
    fs.chownSync(dir, uid, gid);
    fs.chownSync(data, uid, gid);
  }
  const run = (tool, args) => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', cwd: dir });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // fsync off: a test server loses nothing it needs on a crash, and runs faster on a shared disk.
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  return { port, url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`, stop };
}

function postgresUser() {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error('Running as root needs the `postgres` user that Debian\'s postgresql package creates: apt-get install -y postgresql.');
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
