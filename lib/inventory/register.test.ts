// Registering a host against a real iLO simulator over HTTPS with a pinned certificate.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIloSimulator, type IloSimulator } from '@/agent/src/sim/ilo';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { seedDemoUsers } from '@/lib/demo/demo-users';
import { apiRequest } from '@/lib/auth/testing';

process.env.SECRETS_KEY ??= generateKey();

type Handler = (request: unknown, context: unknown) => Promise<Response>;
let db: TestDatabase;
let ilo: IloSimulator;
let post: Handler;
let admin: { cookie: string; csrfToken: string };

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  await seedDemoUsers(db.prisma);
  ilo = await startIloSimulator({ generation: 5, cpu: 'amd', model: 'ProLiant DL385 Gen10 Plus v2', serialNumber: 'CZJ0420ABC', bios: { Sriov: 'Enabled' } });
  ({ POST: post } = (await import('@/app/api/hosts/route')) as unknown as { POST: Handler });
  const { createSession } = await import('@/lib/auth/session');
  const user = await db.prisma.user.findUniqueOrThrow({ where: { userName: 'admin' } });
  const session = await createSession(user.id, null);
  admin = { cookie: session.cookie, csrfToken: session.csrfToken };
});
afterAll(async () => {
  await ilo?.close();
  await db?.dispose();
});

function registration(over: { name?: string; password?: string; certSha256?: string; agentUrl?: string } = {}) {
  return {
    name: over.name ?? 'rack2-u07',
    agent: { url: over.agentUrl ?? 'http://127.0.0.1:9443', token: 'agent-token-0123456789abcdef' },
    ilo: { address: ilo.url, userName: ilo.username, password: over.password ?? ilo.password, certSha256: over.certSha256 ?? ilo.certificate.fingerprint256 },
  };
}

async function register(body: unknown) {
  const response = await post(apiRequest('POST', '/api/hosts', admin, body), { params: Promise.resolve({}) });
  return { status: response.status, text: await response.text() };
}

describe('POST /api/hosts', () => {
  it('reads the iLO and registers the host with its model, serial, CPU and BIOS; secrets stay encrypted', async () => {
    const { status, text } = await register(registration());
    expect(status, text).toBe(201);
    expect(text).not.toContain(ilo.password);
    expect(text).not.toContain('agent-token-0123456789abcdef');
    const host = await db.prisma.host.findUniqueOrThrow({ where: { name: 'rack2-u07' }, include: { bmc: true, bios: true, biosRead: true } });
    expect(host).toMatchObject({ model: 'ProLiant DL385 Gen10 Plus v2', generation: 'Gen10 Plus', serialNumber: 'CZJ0420ABC', cpuVendor: 'AMD', agentStatus: 'never-seen' });
    expect(host.bmc).toMatchObject({ generation: 'iLO 5', userName: ilo.username });
    expect(host.bmc!.passwordEnc).not.toContain(ilo.password);
    expect(host.agentTokenEnc).not.toContain('agent-token');
    expect(host.bios.find((b) => b.name === 'Sriov')?.current).toBe('Enabled');
    expect(host.bios.find((b) => b.name === 'ProcAmdIoVt')).toBeDefined();
    expect(host.biosRead?.resetRequired).toBe(false);
    expect(await db.prisma.auditEvent.count({ where: { action: 'host-register', hostId: host.id, actor: 'admin' } })).toBe(1);
    expect(ilo.openSessions()).toBe(0);
  });

  it('refuses the same name (409) and the same server under another name (409)', async () => {
    expect((await register(registration())).status).toBe(409);
    const again = await register(registration({ name: 'rack2-u07-again' }));
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text).error.message).toMatch(/serial CZJ0420ABC.*already registered as "rack2-u07"/);
  });

  it('gives the iLO’s reason, naming the field, for a wrong password or a wrong pinned certificate', async () => {
    const wrongPassword = await register(registration({ name: 'h-wrong-pass', password: 'not-the-password' }));
    expect(wrongPassword.status).toBe(400);
    const passwordMessage = JSON.parse(wrongPassword.text).error.message as string;
    expect(passwordMessage).toMatch(/^ilo: /);

    const wrongCert = await register(registration({ name: 'h-wrong-cert', certSha256: 'AB'.repeat(32) }));
    expect(wrongCert.status).toBe(400);
    const certMessage = JSON.parse(wrongCert.text).error.message as string;
    expect(certMessage).toMatch(/^ilo: .*certificate/);
    expect(certMessage).not.toBe(passwordMessage);
    expect(await db.prisma.host.count({ where: { name: { in: ['h-wrong-pass', 'h-wrong-cert'] } } })).toBe(0);
    expect(ilo.openSessions()).toBe(0);
  });

  it('validates the body: names the field, refuses plain HTTP to a remote agent', async () => {
    const remote = await register(registration({ name: 'h-remote', agentUrl: 'http://10.1.2.3:9443' }));
    expect(remote.status).toBe(400);
    expect(JSON.parse(remote.text).error.message).toMatch(/^agent\.url: must be https/);
    const badName = await register({ ...registration(), name: '../etc' });
    expect(badName.status).toBe(400);
    expect(JSON.parse(badName.text).error.message).toMatch(/^name:/);
    const badFingerprint = await register(registration({ name: 'h-bad-fp', certSha256: 'xyz' }));
    expect(JSON.parse(badFingerprint.text).error.message).toMatch(/^ilo\.certSha256:/);
  });
});
