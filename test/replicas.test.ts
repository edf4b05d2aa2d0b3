// Two real server processes on one PostgreSQL, each with its poller and worker. The replica running
// a reset stops answering (SIGSTOP: alive, but silent) once the reset is sent: the other takes the
// operation over when the lease lapses and resumes it without resetting the host again; woken then,
// the stalled one finds its claim gone and leaves the operation alone (one end, one audit record).
// Then what
// a replica refuses at start: another secrets key; on SQLite, a second server on the same file.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@/lib/db/testing';
import { send, startServer, startStack, waitFor, type Credentials, type ServerProcess, type Stack } from './stack';

// This file's stack runs on a throwaway PostgreSQL server (lib/db/testing.ts starts one).
process.env.TEST_DATABASE = 'postgresql';

let stack: Stack;
let second: ServerProcess;
let admin: Credentials;

beforeAll(async () => {
  stack = await startStack({
    profiles: ['dl380-gen10'],
    namePrefix: 'replica-',
    bootMs: 4_000,
    env: { REPLICA_LEASE_MS: '4000', RESET_TIMEOUT_MS: '60000', WORKER_RETRY_BASE_MS: '300', LOG_LEVEL: 'info' },
  });
  expect(stack.db.provider).toBe('postgresql');
  const { syncHost } = await import('@/lib/sync/sync-host');
  for (const id of stack.hostIds.values()) await syncHost(id);
  second = await startServer(stack.env);
  admin = await stack.signIn('admin');
}, 180_000);

afterAll(async () => {
  for (const server of [stack?.server, second]) server?.child.kill('SIGCONT');
  await second?.stop('SIGTERM');
  await stack?.close();
});

describe('two replicas on one PostgreSQL', () => {
  it('both run a worker; the one running a reset goes silent after sending it: the other takes over after the lease and the host is reset once', async () => {
    const replicas = await waitFor('both workers to say they are alive', async () => {
      const rows = await stack.db.prisma.replica.findMany();
      return rows.length >= 2 ? rows : null;
    }, 30_000);
    const servers = new Map([stack.server, second].map((s) => [s.child.pid!, s]));
    expect(replicas.map((r) => r.pid).sort()).toEqual([...servers.keys()].sort());

    const sim = stack.sims.hosts[0]!;
    const id = stack.hostIds.get(sim.registration.name)!;
    let boots = 0;
    const stop = sim.ilo.machine.onBoot(() => void boots++);
    try {
      const answer = await send(stack.server.url, { method: 'POST', path: `/api/hosts/${id}/power`, headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'reset' }) });
      expect(answer.status, answer.body).toBe(202);
      const opId = (JSON.parse(answer.body) as { operation: { id: string } }).operation.id;
      const sent = await waitFor('the reset to be sent', async () => {
        const op = await stack.db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
        if (op.status === 'failed' || op.status === 'succeeded') throw new Error(`the reset ended ${op.status} first: ${op.error ?? ''}`);
        return (JSON.parse(op.params) as { stage?: string }).stage === 'sent' && op.claimedBy ? op : null;
      }, 60_000, 20);
      const owner = await stack.db.prisma.replica.findUniqueOrThrow({ where: { id: sent.claimedBy! } });
      const silent = servers.get(owner.pid)!;
      silent.child.kill('SIGSTOP');
      try {
        const taken = await waitFor('another replica to take the reset over', async () => {
          const op = await stack.db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
          return op.claimedBy && op.claimedBy !== owner.id ? op : null;
        }, 30_000);
        expect(taken.claimedBy).not.toBe(owner.id);
        // Woken while the other waits for the host: its writes are fenced by the claim.
        silent.child.kill('SIGCONT');
        const done = await waitFor('the reset to end', async () => {
          const op = await stack.db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
          return op.status === 'succeeded' || op.status === 'failed' ? op : null;
        }, 60_000);
        expect(done.status, done.error ?? '').toBe('succeeded');
        expect(boots).toBe(1);
        // The woken replica saw the host back too, and went to end the operation: it must find its claim gone.
        await waitFor('the woken replica to leave the operation to the other', async () => silent.output().includes('operation taken over by another replica'), 60_000);
        // The end record is written just after the end itself: wait for it, then there must be only the one.
        const endsOf = () => stack.db.prisma.auditEvent.findMany({ where: { operationId: opId, action: { in: ['reset-host.succeeded', 'reset-host.failed'] } } });
        await waitFor('the end to be on record', async () => ((await endsOf()).length > 0 ? true : null), 30_000);
        const ends = await endsOf();
        expect(ends.map((e) => e.action)).toEqual(['reset-host.succeeded']);
        const after = await stack.db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
        expect(after.claimedBy).toBe(taken.claimedBy);
      } finally {
        silent.child.kill('SIGCONT');
      }
    } finally {
      stop();
    }
  });

  it('a replica with another secrets key refuses to start, saying why', async () => {
    const other = startServer({ ...stack.env, SECRETS_KEY: randomBytes(32).toString('base64') });
    await expect(other).rejects.toThrow(/the server exited before answering:[\s\S]*secrets key .* is not the one this database's secrets were sealed with/);
  });
});

describe('SQLite', () => {
  it('takes one server process: a second on the same file refuses to start, naming the first', async () => {
    process.env.TEST_DATABASE = 'sqlite';
    const db = await createTestDatabase();
    process.env.TEST_DATABASE = 'postgresql';
    const env = { DATABASE_URL: db.url, SECRETS_KEY: stack.env.SECRETS_KEY! };
    const first = await startServer(env);
    try {
      await waitFor('the first server\'s worker to say it is alive', async () => (await db.prisma.replica.count()) > 0, 30_000);
      await expect(startServer(env)).rejects.toThrow(new RegExp(`Another server \\(pid ${first.child.pid} on [^)]+\\) runs on this SQLite database`));
    } finally {
      await first.stop('SIGTERM');
      await db.dispose();
    }
  });
});
