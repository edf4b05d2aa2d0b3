// Prints how long the fleet view's queries take on a large inventory: `npx tsx bench/fleet-view.ts [hosts]`.
// Builds a throwaway SQLite with N hosts cloned from the demo fleet (VFs and VMs included),
// then times GET /api/hosts's work (load, judge readiness, filter, sort, page) and the summary.

import { performance } from 'node:perf_hooks';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase } from '@/lib/db/testing';
import { DEMO_HOSTS } from '@/lib/demo/demo-fleet';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { fleetQuerySchema } from '@/lib/inventory/fleet';

process.env.SECRETS_KEY ??= generateKey();
const count = Number(process.argv[2] ?? 1000);
const db = await createTestDatabase();
process.env.DATABASE_URL = db.url;
const { listFleet, getFleetSummary } = await import('@/lib/inventory/service');

const hosts = Array.from({ length: count }, (_, i) => {
  const base = DEMO_HOSTS[i % DEMO_HOSTS.length]!;
  return { ...base, name: `${base.name}-${String(i).padStart(5, '0')}` };
});
let t = performance.now();
await seedDemoFleet(db.prisma, { hosts });
const vfs = await db.prisma.virtualFunction.count();
console.log(`seeded ${count} hosts, ${vfs} VFs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

for (const [label, query] of [
  ['first page, by name', {}],
  ['not ready, by VFs assigned desc', { readiness: 'not-ready', sort: 'vfsAssigned', dir: 'desc' }],
  ['search "a0"', { q: 'a0' }],
] as const) {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await listFleet(fleetQuerySchema.parse(query));
    runs.push(performance.now() - t);
  }
  console.log(`/api/hosts ${label}: median ${runs.sort((a, b) => a - b)[2]!.toFixed(0)} ms`);
}
t = performance.now();
await getFleetSummary();
console.log(`/api/fleet/summary: ${(performance.now() - t).toFixed(0)} ms`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await db.dispose();
