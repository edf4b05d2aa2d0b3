// Prints how long the fleet view's queries take on a large inventory: `npx tsx bench/fleet-view.ts [hosts]`.
// Builds a throwaway SQLite with N hosts cloned from the demo fleet (VFs and VMs included),
// then times GET /api/hosts's work and the summary, side by side with one raw SQL statement
// returning the same figures on the same database (issue 16's target: within 3x).

import { performance } from 'node:perf_hooks';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase } from '@/lib/db/testing';
import { DEMO_HOSTS } from '@/lib/demo/demo-fleet';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { fleetQuerySchema } from '@/lib/inventory/fleet';
import { Prisma } from '@/lib/generated/prisma/client';

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

const median = async (fn: () => Promise<unknown>, runs = 9) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

// The baselines: one raw SQL statement returning the same figures, on the same database
// (identifiers quoted, as PostgreSQL needs; its string_agg for SQLite's group_concat).
const labelsAgg = db.provider === 'postgresql' ? Prisma.raw(`string_agg(l."key" || '=' || l."value", ',')`) : Prisma.raw(`group_concat(l."key" || '=' || l."value")`);
const rawPage = () =>
  db.prisma.$queryRaw`SELECT h."id", h."name", h."model", h."generation", h."readinessVerdict", h."readinessLinks", h."pfCount", h."pfSriovCapable", h."vfsEnabled", h."vfsAssigned", h."vfsCapacity", h."vmCount", h."agentStatus", h."lastSeenAt", b."generation" AS ilo, b."firmwareVersion", (SELECT ${labelsAgg} FROM "HostLabel" l WHERE l."hostId" = h."id") AS labels, (SELECT COUNT(*) FROM "Host") AS total FROM "Host" h LEFT JOIN "Bmc" b ON b."hostId" = h."id" ORDER BY h."nameKey", h."id" LIMIT 50`;
const rawSummary = () =>
  db.prisma.$queryRaw`SELECT "readinessVerdict", "agentStatus", COUNT(*), SUM("vfsEnabled"), SUM("vfsAssigned"), SUM("vfsCapacity") FROM "Host" GROUP BY "readinessVerdict", "agentStatus"`;
console.log(`database: ${db.provider} (TEST_DATABASE=postgresql for a throwaway PostgreSQL server)`);

const page = await median(() => listFleet(fleetQuerySchema.parse({})));
const pageRaw = await median(rawPage);
console.log(`/api/hosts first page, by name: ${ms(page)} vs raw SQL ${ms(pageRaw)} (${(page / pageRaw).toFixed(1)}x; target within 3x)`);
for (const [label, query] of [
  ['not ready, by VFs assigned desc', { readiness: 'not-ready', sort: 'vfsAssigned', dir: 'desc' }],
  ['search "a0"', { q: 'a0' }],
  ['label role=kvm, by readiness', { label: 'role=kvm', sort: 'readiness' }],
  ['500-row page', { pageSize: '500' }],
] as const) {
  console.log(`/api/hosts ${label}: median ${ms(await median(() => listFleet(fleetQuerySchema.parse(query))))}`);
}
const summary = await median(getFleetSummary);
const summaryRaw = await median(rawSummary);
console.log(`/api/fleet/summary: ${ms(summary)} vs raw SQL ${ms(summaryRaw)} (${(summary / summaryRaw).toFixed(1)}x; target within 3x)`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await db.dispose();
