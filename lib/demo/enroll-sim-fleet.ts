// `npm run demo` step: registers the simulated fleet that scripts/demo.mjs started (one JSON line
// per host from agent/dist/sriov-sim.js, in the file given as argument). New hosts go through the
// same registration as the UI's (the server reads each iLO over pinned HTTPS); hosts already in the
// inventory get the simulator's new addresses, token, iLO password and certificate, which change
// at every start. The simulators start from their profiles each time, so the desired state the
// demo inventory kept from a previous run is dropped with them.
//   tsx lib/demo/enroll-sim-fleet.ts FLEET.jsonl [--reseed]

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateKey, encryptSecret } from '@/lib/crypto/secrets';
import { env } from '@/lib/env';

interface SimLine {
  hostname: string;
  agent: { url: string };
  ilo: { url: string; username: string; password: string; fingerprint256: string };
  story?: string;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { reseed: { type: 'boolean' }, 'token-file': { type: 'string' } } });
const fleetFile = positionals[0];
if (!fleetFile) throw new Error('usage: enroll-sim-fleet FLEET.jsonl [--reseed] --token-file FILE');

if (!env.secretsKey && !fs.existsSync(env.secretsKeyFile)) {
  fs.mkdirSync(path.dirname(env.secretsKeyFile), { recursive: true });
  fs.writeFileSync(env.secretsKeyFile, `${generateKey()}\n`, { mode: 0o600 });
  console.log(`Generated a secrets key in ${env.secretsKeyFile}`);
}

const { prisma } = await import('@/lib/db/client');
const { registerHost } = await import('@/lib/inventory/register');
const { seedDemoUsers } = await import('@/lib/demo/demo-users');

const token = fs.readFileSync(values['token-file'] ?? 'data/demo-agent-token', 'utf8').trim();
const lines = fs
  .readFileSync(fleetFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{"hostname"'))
  .map((l) => JSON.parse(l) as SimLine);

try {
  if (values.reseed) {
    // A fresh demo: the inventory and its history go (policies, plans and rollouts with it), and
    // the sign-in failures counted with that history (each e2e run signs in wrong once: runs
    // against one database would lock 127.0.0.1 out after ten); users stay.
    await prisma.$transaction([
      prisma.auditEvent.deleteMany(),
      prisma.operation.deleteMany(),
      prisma.plan.deleteMany(),
      prisma.policy.deleteMany(),
      prisma.complianceTransition.deleteMany(),
      prisma.host.deleteMany(),
      prisma.loginThrottle.deleteMany(),
    ]);
  }
  let added = 0;
  let updated = 0;
  for (const line of lines) {
    const existing = await prisma.host.findUnique({ where: { name: line.hostname }, select: { id: true } });
    if (existing) {
      await prisma.$transaction([
        prisma.host.update({
          where: { id: existing.id },
          data: { agentUrl: line.agent.url, agentTokenEnc: encryptSecret(token), agentCertSha256: null, bootId: null },
        }),
        prisma.bmc.update({
          where: { hostId: existing.id },
          data: { address: line.ilo.url, userName: line.ilo.username, passwordEnc: encryptSecret(line.ilo.password), tlsSha256: line.ilo.fingerprint256 },
        }),
        prisma.physicalFunction.updateMany({ where: { hostId: existing.id }, data: { desiredVfs: null } }),
        prisma.virtualFunction.updateMany({
          where: { hostId: existing.id },
          data: { desiredMac: null, desiredVlan: null, desiredQos: null, desiredTrust: null, desiredSpoofchk: null, desiredLinkState: null, desiredMaxTxRateMbps: null, desiredDriver: null },
        }),
        prisma.biosSetting.updateMany({ where: { hostId: existing.id }, data: { desired: null } }),
        prisma.operation.updateMany({ where: { hostId: existing.id, status: { in: ['queued', 'running'] } }, data: { status: 'failed', activeKey: null, finishedAt: new Date(), error: 'The demo fleet was restarted from its profiles.' } }),
      ]);
      updated++;
      continue;
    }
    const result = await registerHost({
      name: line.hostname,
      agent: { url: line.agent.url, token },
      ilo: { address: line.ilo.url, userName: line.ilo.username, password: line.ilo.password, certSha256: line.ilo.fingerprint256 },
    });
    if (!result.ok) throw new Error(`${line.hostname}: ${result.message}`);
    added++;
  }
  const users = await seedDemoUsers(prisma);
  console.log(`Demo fleet: ${added} hosts registered, ${updated} updated${users ? `, ${users} demo users (see README)` : ''}.`);
} finally {
  await prisma.$disconnect();
}
