// The inventory as plans see it: hosts with their labels, BIOS values and registry, PFs, VFs and
// VMs, read a page of hosts at a time (a fleet of thousands is never in memory at once), and a
// fingerprint of what a plan depends on, so a plan computed earlier can tell what changed since.

import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { RegistryDigest } from '@/agent/src/redfish';
import type { PlanHost } from './plan';

const PAGE = 250;

const planHostSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  cpuVendor: true,
  agentStatus: true,
  observedAt: true,
  kernelCmdline: true,
  vfioPciLoaded: true,
  labels: { select: { key: true, value: true } },
  biosRead: { select: { values: true } },
  biosRegistry: { select: { registryId: true, biosVersion: true, attributes: true, dependencies: true } },
  virtualMachines: { select: { name: true, state: true }, orderBy: { name: 'asc' } },
  physicalFunctions: {
    orderBy: { pciAddress: 'asc' },
    select: {
      id: true,
      pciAddress: true,
      vendorId: true,
      deviceId: true,
      modelName: true,
      netdev: true,
      totalVfs: true,
      currentVfs: true,
      firmwareMaxVfs: true,
      vfDriver: true,
      virtualFunctions: {
        orderBy: { index: 'asc' },
        select: { index: true, pciAddress: true, driver: true, trust: true, spoofchk: true, linkState: true, maxTxRateMbps: true, assignment: { select: { vm: { select: { name: true, state: true } } } } },
      },
    },
  },
} satisfies Prisma.HostSelect;

type Row = Prisma.HostGetPayload<{ select: typeof planHostSelect }>;

/** Registries are shared by every host of a BIOS version: parsed once per distinct text. */
function registryCache() {
  const parsed = new Map<string, RegistryDigest>();
  return (row: Row['biosRegistry']): RegistryDigest | null => {
    if (!row) return null;
    const key = `${row.registryId}\u0000${row.biosVersion}\u0000${row.attributes.length}`;
    let digest = parsed.get(key);
    if (!digest) {
      digest = { id: row.registryId, biosVersion: row.biosVersion, attributes: JSON.parse(row.attributes), dependencies: row.dependencies ? JSON.parse(row.dependencies) : null };
      parsed.set(key, digest);
    }
    return digest;
  };
}

function toPlanHost(row: Row, registryOf: ReturnType<typeof registryCache>): PlanHost {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    generation: row.generation,
    cpuVendor: row.cpuVendor,
    agentStatus: row.agentStatus,
    observedAt: row.observedAt,
    kernelCmdline: row.kernelCmdline,
    vfioPciLoaded: row.vfioPciLoaded,
    labels: Object.fromEntries(row.labels.map((l) => [l.key, l.value])),
    biosValues: row.biosRead ? (JSON.parse(row.biosRead.values) as PlanHost['biosValues']) : null,
    registry: registryOf(row.biosRegistry),
    vms: row.virtualMachines,
    pfs: row.physicalFunctions.map((pf) => ({
      id: pf.id,
      pciAddress: pf.pciAddress,
      vendorId: pf.vendorId,
      deviceId: pf.deviceId,
      modelName: pf.modelName,
      netdev: pf.netdev,
      totalVfs: pf.totalVfs,
      currentVfs: pf.currentVfs,
      firmwareMaxVfs: pf.firmwareMaxVfs,
      vfDriver: pf.vfDriver,
      vfs: pf.virtualFunctions.map((vf) => ({
        index: vf.index,
        pciAddress: vf.pciAddress,
        driver: vf.driver,
        trust: vf.trust,
        spoofchk: vf.spoofchk,
        linkState: vf.linkState,
        maxTxRateMbps: vf.maxTxRateMbps,
        vm: vf.assignment ? { name: vf.assignment.vm.name, state: vf.assignment.vm.state } : null,
      })),
    })),
  };
}

/** Hosts a page at a time, in name order; `where` narrows them (a selection, a set of ids). */
export async function* planHosts(prisma: PrismaClient, where: Prisma.HostWhereInput = {}): AsyncGenerator<PlanHost[]> {
  const registryOf = registryCache();
  let after: string | null = null;
  for (;;) {
    const rows: Row[] = await prisma.host.findMany({
      where: after === null ? where : { AND: [where, { name: { gt: after } }] },
      orderBy: { name: 'asc' },
      take: PAGE,
      select: planHostSelect,
    });
    if (rows.length === 0) return;
    yield rows.map((r) => toPlanHost(r, registryOf));
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.name;
  }
}

/** What a plan for this host depends on, in words an operator reads ("BIOS Sriov"). */
export function hostFacts(host: PlanHost): Record<string, string> {
  const facts: Record<string, string> = {
    agent: host.agentStatus,
    'kernel command line': host.kernelCmdline ?? '(not reported)',
    'vfio-pci': host.vfioPciLoaded === null ? '(not reported)' : host.vfioPciLoaded ? 'loaded' : 'not loaded',
    'BIOS registry': host.registry ? `${host.registry.id ?? ''} ${host.registry.biosVersion ?? ''}`.trim() : '(not read)',
  };
  for (const [key, value] of Object.entries(host.labels)) facts[`label ${key}`] = value;
  for (const [name, [current, pending]] of Object.entries(host.biosValues ?? {})) facts[`BIOS ${name}`] = pending !== null && pending !== undefined ? `${String(current)} (pending ${String(pending)})` : String(current);
  for (const vm of host.vms) facts[`VM ${vm.name}`] = vm.state;
  for (const pf of host.pfs) {
    facts[`${pf.pciAddress} VFs`] = `${pf.currentVfs} of ${pf.totalVfs}${pf.firmwareMaxVfs !== null ? ` (firmware ${pf.firmwareMaxVfs})` : ''}`;
    for (const vf of pf.vfs) {
      facts[`${pf.pciAddress} VF ${vf.index}`] = [vf.driver ?? 'no driver', `trust ${vf.trust}`, `spoofchk ${vf.spoofchk}`, `link ${vf.linkState}`, `rate ${vf.maxTxRateMbps}`, vf.vm ? `held by ${vf.vm.name}` : 'free'].join(', ');
    }
  }
  return facts;
}

export function fingerprint(facts: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(facts).sort(([a], [b]) => (a < b ? -1 : 1)))).digest('base64url').slice(0, 22);
}

/** "BIOS Sriov: Disabled → Enabled", "VM vm-web-01: running → (gone)": what moved between two readings. */
export function factChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((k) => `${k}: ${before[k] ?? '(none)'} → ${after[k] ?? '(gone)'}`);
}
