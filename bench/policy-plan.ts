// Prints what a plan and a compliance evaluation cost on a large fleet:
//   npm run bench:policies -- [hosts]        (default 2,000)
// Builds a throwaway SQLite with N hosts cloned from the demo fleet (4 PFs each where the demo
// host has them, VFs and VMs included), gives every host a BIOS attribute registry read from an
// iLO simulator and labels, and five overlapping policies. Then, each in a fresh process so its
// peak RSS is its own: reading the inventory alone (the baseline: what any plan must at least
// do), a plan for one policy over every host, and compliance of every host against the five.
// Targets (issue: policies and plans): plan <= 2 s server time and <= 300 MB peak RSS at 2,000
// hosts; compliance of 2,000 hosts against 5 policies <= 1 s.

import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { generateKey } from '@/lib/crypto/secrets';
import { createPrismaClient } from '@/lib/db/client';
import { createTestDatabase } from '@/lib/db/testing';
import { DEMO_HOSTS } from '@/lib/demo/demo-fleet';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';

process.env.SECRETS_KEY ??= generateKey();
const [mode, url, what] = process.argv.slice(2);

const POLICIES = [
  { name: 'bench-baseline', document: { selector: { names: ['*'] }, bios: { Sriov: 'Enabled', IOMMU: 'Enabled', ProcVirtualization: 'Enabled' }, os: { iommuKernelArgs: true, vfioAtBoot: true } } },
  { name: 'bench-560', document: { selector: { labels: { role: 'kvm' } }, priority: 10, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 16, driver: 'vfio-pci', vfDefaults: { trust: false, spoofchk: true } }] } },
  { name: 'bench-e810', document: { selector: { nicModels: ['E810'] }, priority: 5, nics: [{ match: { nicModel: 'E810' }, numVfs: 'max', vfDefaults: { trust: true } }] } },
  { name: 'bench-rack-a', document: { selector: { labels: { rack: 'a' } }, priority: 1, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 8 }] } },
  { name: 'bench-gen10', document: { selector: { generations: ['Gen10', 'Gen10 Plus'] }, priority: 3, nics: [{ match: { pfName: 'ens*' }, vfDefaults: { maxTxRate: 0 } }] } },
];

async function measure(dbUrl: string, kind: string): Promise<void> {
  process.env.DATABASE_URL = dbUrl;
  const prisma = createPrismaClient(dbUrl);
  const { planHosts } = await import('@/lib/policies/inventory');
  const { createPlan, evaluateCompliance } = await import('@/lib/policies/service');
  const who = { name: 'bench', sourceAddress: null };
  const policy = await prisma.policy.findUniqueOrThrow({ where: { name: 'bench-560' } });
  const once = async (): Promise<string> => {
    if (kind === 'read') {
      let hosts = 0;
      for await (const page of planHosts(prisma)) hosts += page.length;
      return `${hosts} hosts read`;
    }
    if (kind === 'plan') {
      const plan = await createPlan(prisma, { policyId: policy.id }, who);
      if (!plan.ok) throw new Error(plan.message);
      const totals = plan.value.totals;
      return `${totals.hostsMatched} hosts, ${totals.changes} changes, ${totals.reboots} reboots, ${totals.hostsRefused} refused`;
    }
    const result = await evaluateCompliance(prisma);
    return `${result.hosts} hosts x ${POLICIES.length} policies, ${result.transitions} transitions written`;
  };
  // The first run pays for starting Prisma's engine and V8's compiling; a server has done that long before.
  let t = performance.now();
  const first = await once();
  const cold = (performance.now() - t) / 1000;
  t = performance.now();
  const detail = await once();
  const warm = (performance.now() - t) / 1000;
  console.log(JSON.stringify({ kind, cold, warm, rssMb: process.resourceUsage().maxRSS / 1024, detail: kind === 'compliance' ? `${first}; then ${detail}` : detail }));
  await prisma.$disconnect();
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  const t = performance.now();
  const hosts = Array.from({ length: count }, (_, i) => {
    const base = DEMO_HOSTS[i % DEMO_HOSTS.length]!;
    return { ...base, name: `${base.name}-${String(i).padStart(5, '0')}` };
  });
  await seedDemoFleet(db.prisma, { hosts });

  // A registry per host as its iLO serves it (one per CPU vendor, as the fleet's BIOS versions would be).
  const { readBios, withIlo } = await import('@/agent/src/redfish');
  const { pinnedOptions, startSim } = await import('@/agent/src/redfish/test/fixtures');
  const registries: Record<string, string> = {};
  for (const cpu of ['intel', 'amd'] as const) {
    const sim = await startSim({ generation: 5, cpu });
    registries[cpu === 'amd' ? 'AMD' : 'Intel'] = JSON.stringify((await withIlo(pinnedOptions(sim), (c) => readBios(c, { includeRegistry: true }))).registry!.attributes);
    await sim.close();
  }
  const rows = await db.prisma.host.findMany({ select: { id: true, cpuVendor: true } });
  await db.prisma.biosRegistry.createMany({ data: rows.map((h) => ({ hostId: h.id, registryId: `BiosAttributeRegistryU30.${h.cpuVendor}`, biosVersion: 'U30 v2.76', attributes: registries[h.cpuVendor]!, readAt: new Date() })) });
  await db.prisma.hostLabel.createMany({ data: rows.flatMap((h, i) => [{ hostId: h.id, key: 'role', value: 'kvm' }, ...(i % 2 ? [] : [{ hostId: h.id, key: 'rack', value: 'a' }])]) });
  const vfs = await db.prisma.virtualFunction.count();
  const pfs = await db.prisma.physicalFunction.count();
  // Written directly: compliance is evaluated by the measurement below, not at each creation.
  for (const p of POLICIES) {
    await db.prisma.policy.create({ data: { name: p.name, versions: { create: { version: 1, document: JSON.stringify(p.document), createdBy: 'bench' } } } });
  }
  console.log(`seeded ${count} hosts, ${pfs} PFs, ${vfs} VFs, ${POLICIES.length} policies in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const run = (kind: string) => JSON.parse(execFileSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', import.meta.filename, '--measure', db.url, kind], { encoding: 'utf8', env: process.env }).trim().split('\n').at(-1)!) as { kind: string; cold: number; warm: number; rssMb: number; detail: string };
  const label: Record<string, string> = { read: 'read the inventory (baseline)', plan: 'plan for one policy', compliance: 'compliance, 5 policies' };
  console.log(`${''.padEnd(32)} ${'first run'.padStart(10)} ${'warm'.padStart(8)}  ${'peak RSS'.padStart(9)}`);
  for (const kind of ['read', 'plan', 'compliance']) {
    const r = run(kind);
    console.log(`${label[r.kind]!.padEnd(32)} ${r.cold.toFixed(2).padStart(8)} s ${r.warm.toFixed(2).padStart(6)} s  ${r.rssMb.toFixed(0).padStart(6)} MB   ${r.detail}`);
  }
  if (process.env.KEEP_DB) console.log(`database kept: ${db.url}`);
  else await db.dispose();
}

if (mode === '--measure') await measure(url!, what!);
else await main();
