// VFs that share a MAC with another VF anywhere in the fleet, as their PF drivers report them,
// with the VF the dashboard's ledger gave the MAC to. Read for the duplicate-MAC report (the whole
// fleet) and the host page (the host's own VFs and where else their MACs are). A MAC is counted
// once per VF row, so a VF is never its own duplicate.

import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { MacHolderRecord } from '@/lib/reports/mac-duplicates';

const UNSET = ['00:00:00:00:00:00'];

export async function findMacDuplicates(prisma: PrismaClient, options: { hostId?: string } = {}): Promise<MacHolderRecord[]> {
  // For one host, only its own MACs are counted across the fleet.
  const own = options.hostId ? await prisma.virtualFunction.findMany({ where: { hostId: options.hostId, mac: { not: null, notIn: UNSET } }, select: { mac: true } }) : null;
  if (own?.length === 0) return [];
  const shared = await prisma.virtualFunction.groupBy({ by: ['mac'], where: { mac: own ? { in: own.map((v) => v.mac!) } : { not: null, notIn: UNSET } }, _count: { _all: true } });
  const macs = shared.filter((g) => g._count._all > 1).map((g) => g.mac!);
  if (macs.length === 0) return [];
  const [vfs, ledger] = await Promise.all([
    prisma.virtualFunction.findMany({
      where: { mac: { in: macs } },
      orderBy: [{ mac: 'asc' }, { host: { name: 'asc' } }, { pciAddress: 'asc' }],
      select: { index: true, pciAddress: true, mac: true, host: { select: { name: true } }, pf: { select: { pciAddress: true } }, assignment: { select: { vm: { select: { name: true } } } } },
    }),
    prisma.macAllocation.findMany({ where: { mac: { in: macs } }, select: { mac: true, pfAddress: true, vfIndex: true, host: { select: { name: true } } } }),
  ]);
  const holder = new Map(ledger.map((l) => [l.mac, { hostName: l.host.name, pfAddress: l.pfAddress, vfIndex: l.vfIndex }]));
  const count = new Map<string, number>();
  for (const vf of vfs) count.set(vf.mac!, (count.get(vf.mac!) ?? 0) + 1);
  return vfs.map((vf) => ({
    mac: vf.mac!,
    hostName: vf.host.name,
    pfAddress: vf.pf.pciAddress,
    index: vf.index,
    pciAddress: vf.pciAddress,
    vm: vf.assignment?.vm.name ?? null,
    sharedBy: count.get(vf.mac!) ?? 0,
    ledger: holder.get(vf.mac!) ?? null,
  }));
}
