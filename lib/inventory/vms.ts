// The VM view: every VM with the VFs it holds, and whether a VF sits on another NUMA node than
// its VM (traffic then crosses the socket interconnect). Filtered, counted and paged in SQL: a
// fleet of 2,000 hosts has thousands of VMs, and reading them all with their VFs went past the
// bind values one query may carry (P2029). The filter and the figures are plain, portable SQL
// (quoted identifiers as Prisma names them, as lib/reports/inventory-sql.ts); the page's VMs are
// then read through Prisma by id, at most 500.

import 'server-only';
import { shownMac } from './mac';
import { z } from 'zod';
import { prisma } from '@/lib/db/client';
import { processDatabase } from '@/lib/db/provider';
import { queryInt } from '@/lib/query';
import { assignmentGuestSelect } from '@/lib/db/hosts';
import { Prisma } from '@/lib/generated/prisma/client';
import { ID_PATTERN } from '@/lib/http';
import { numaMismatch } from './host-view';
import { guestLink, guestVfVerdict, type GuestLink, type GuestVfVerdict } from './guest';

export const vmQuerySchema = z.strictObject({
  hostId: z.string().regex(ID_PATTERN, 'not a valid id').optional(),
  q: z.string().trim().max(100).optional(),
  /** cross-numa: only VMs holding a VF whose PF sits on another NUMA node than the VM. */
  placement: z.enum(['cross-numa'], 'cross-numa (VMs holding a VF on another NUMA node), or leave it out').optional(),
  page: queryInt(1, 100_000).default(1),
  pageSize: queryInt(1, 500).default(100),
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

export interface VmPage {
  vms: VmRow[];
  /** VMs matching the filter, on every page. */
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /** VFs the matching VMs hold, and how many of them sit on another NUMA node than their VM. */
  vfs: number;
  crossNumaVfs: number;
}

/** A VF's PF on another known NUMA node than its VM's known node (numaMismatch, in SQL). */
const CROSS_NUMA = `vm."numaNode" >= 0 AND pf."numaNode" >= 0 AND pf."numaNode" <> vm."numaNode"`;

/** The WHERE of the matching VMs (aliases vm and h), with its values bound. */
function matching(query: VmQuery): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`1 = 1`];
  if (query.hostId) conditions.push(Prisma.sql`vm."hostId" = ${query.hostId}`);
  if (query.q) {
    // "Contains", ignoring case on both databases (lib/db/text-search.ts): LIKE on SQLite, ILIKE on PostgreSQL.
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = Prisma.raw(processDatabase() === 'postgresql' ? 'ILIKE' : 'LIKE');
    conditions.push(Prisma.sql`(vm."name" ${like} ${pattern} ESCAPE '\\' OR h."name" ${like} ${pattern} ESCAPE '\\')`);
  }
  if (query.placement === 'cross-numa') {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Assignment" a JOIN "VirtualFunction" vf ON vf."id" = a."vfId" JOIN "PhysicalFunction" pf ON pf."id" = vf."pfId" WHERE a."vmId" = vm."id" AND ${Prisma.raw(CROSS_NUMA)})`);
  }
  return Prisma.join(conditions, ' AND ');
}

export async function listVms(query: VmQuery): Promise<VmPage> {
  const where = matching(query);
  const [figures] = await prisma.$queryRaw<{ vms: bigint | number; vfs: bigint | number | null; far: bigint | number | null }[]>`
    WITH f AS (SELECT vm."id", vm."numaNode" FROM "VirtualMachine" vm JOIN "Host" h ON h."id" = vm."hostId" WHERE ${where})
    SELECT (SELECT COUNT(*) FROM f) AS "vms",
           (SELECT COUNT(*) FROM "Assignment" a JOIN f ON f."id" = a."vmId") AS "vfs",
           (SELECT COUNT(*) FROM "Assignment" a JOIN f vm ON vm."id" = a."vmId" JOIN "VirtualFunction" vf ON vf."id" = a."vfId" JOIN "PhysicalFunction" pf ON pf."id" = vf."pfId" WHERE ${Prisma.raw(CROSS_NUMA)}) AS "far"`;
  const total = Number(figures?.vms ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(query.page, pageCount);
  const ids = await prisma.$queryRaw<{ id: string }[]>`
    SELECT vm."id" FROM "VirtualMachine" vm JOIN "Host" h ON h."id" = vm."hostId" WHERE ${where}
    ORDER BY h."name", vm."name", vm."id" LIMIT ${query.pageSize} OFFSET ${(page - 1) * query.pageSize}`;
  const found = ids.length ? await prisma.virtualMachine.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: vmSelect }) : [];
  const byId = new Map(found.map((vm) => [vm.id, vm]));
  const rows = ids.flatMap((r) => byId.get(r.id) ?? []);
  return { vms: vmRows(rows), total, page, pageSize: query.pageSize, pageCount, vfs: Number(figures?.vfs ?? 0), crossNumaVfs: Number(figures?.far ?? 0) };
}

function vmRows(rows: Prisma.VirtualMachineGetPayload<{ select: typeof vmSelect }>[]): VmRow[] {
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
