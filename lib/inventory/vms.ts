// The VM view: every VM with the VFs it holds, and whether a VF sits on another NUMA node than
// its VM (traffic then crosses the socket interconnect).

import 'server-only';
import { shownMac } from './mac';
import { z } from 'zod';
import { prisma } from '@/lib/db/client';
import { assignmentGuestSelect } from '@/lib/db/hosts';
import type { Prisma } from '@/lib/generated/prisma/client';
import { ID_PATTERN } from '@/lib/http';
import { numaMismatch } from './host-view';
import { containsText } from '@/lib/db/text-search';
import { guestLink, guestVfVerdict, type GuestLink, type GuestVfVerdict } from './guest';

export const vmQuerySchema = z.strictObject({
  hostId: z.string().regex(ID_PATTERN, 'not a valid id').optional(),
  q: z.string().trim().max(100).optional(),
});
export type VmQuery = z.infer<typeof vmQuerySchema>;

const vmSelect = {
  id: true,
  name: true,
  uuid: true,
  state: true,
  numaNode: true,
  vcpus: true,
  memoryMiB: true,
  guestAgent: true,
  guestDetail: true,
  guestOs: true,
  guestKernel: true,
  guestCheckedAt: true,
  host: { select: { id: true, name: true } },
  assignments: {
    orderBy: { vf: { pciAddress: 'asc' } },
    select: {
      mac: true,
      vlan: true,
      ...assignmentGuestSelect,
      vf: { select: { id: true, index: true, pciAddress: true, mac: true, vlan: true, linkState: true, pf: { select: { id: true, pciAddress: true, modelName: true, numaNode: true, vfDriver: true } } } },
    },
  },
} satisfies Prisma.VirtualMachineSelect;

export interface VmVf {
  id: string;
  index: number;
  pciAddress: string;
  mac: string | null;
  vlan: number | null;
  pf: { id: string; pciAddress: string; modelName: string; numaNode: number | null };
  /** The VM is pinned to one NUMA node and the VF's PF sits on another. */
  crossNuma: boolean;
  guest: GuestVfVerdict;
}

export interface VmRow {
  id: string;
  name: string;
  uuid: string | null;
  state: string;
  numaNode: number | null;
  vcpus: number | null;
  memoryMiB: number | null;
  host: { id: string; name: string };
  vfs: VmVf[];
  /** guest-get-osinfo's name and kernel, as last read; null: never read. */
  guestOs: string | null;
  guestKernel: string | null;
  guestCheckedAt: Date | null;
  /** The seventh link: whether the guest sees every VF the VM holds. */
  guestLink: GuestLink;
}

export async function listVms(query: VmQuery): Promise<VmRow[]> {
  const rows = await prisma.virtualMachine.findMany({
    where: {
      ...(query.hostId ? { hostId: query.hostId } : {}),
      ...(query.q ? { OR: [{ name: containsText(query.q) }, { host: { name: containsText(query.q) } }] } : {}),
    },
    orderBy: [{ host: { name: 'asc' } }, { name: 'asc' }],
    select: vmSelect,
  });
  const now = Date.now();
  return rows.map(({ assignments, guestAgent, guestDetail, ...vm }) => {
    const vfs = assignments.map((a) => ({
      id: a.vf.id,
      index: a.vf.index,
      pciAddress: a.vf.pciAddress,
      mac: shownMac(a.vf.mac) ?? shownMac(a.mac),
      vlan: a.vf.vlan ?? a.vlan,
      pf: { id: a.vf.pf.id, pciAddress: a.vf.pf.pciAddress, modelName: a.vf.pf.modelName, numaNode: a.vf.pf.numaNode },
      crossNuma: numaMismatch(vm.numaNode, a.vf.pf.numaNode),
      guest: guestVfVerdict({ vmState: vm.state, guestAgent, ...a, vfLinkState: a.vf.linkState, expectedDriver: a.vf.pf.vfDriver }, now),
    }));
    return { ...vm, vfs, guestLink: guestLink({ state: vm.state, guestAgent, guestDetail }, vfs.map((v) => v.guest)) };
  });
}
