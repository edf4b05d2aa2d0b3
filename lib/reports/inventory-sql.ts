// The inventory's and the allocation report's VFs in plain SQL, the one place the reports leave
// Prisma's query API. A fleet of 2,000 hosts has 512,000 VFs. Read through nested selects, every VF became several objects that
// lived long enough to be promoted to V8's old space, and the export peaked at ~350 MB RSS;
// counted that way, the report page read every VF to show five figures (~30 s).
//
// Portable on purpose, like the schema: quoted identifiers as Prisma names tables and columns,
// LEFT JOIN, GROUP BY and CASE only, so the same text runs on SQLite and PostgreSQL (checked
// against PostgreSQL 15 with the schema's tables). Through Prisma, values come back typed from the
// columns' declared types (Int as number, Boolean as boolean, DateTime as Date); COUNT and SUM are
// BIGINT on PostgreSQL and arrive as bigint, hence Number().
//
// On SQLite the export reads the VFs through a read-only better-sqlite3 connection of its own:
// even $queryRaw results pass through several layers of objects in Prisma's client, which still
// get promoted. bench/reports-export.ts at 2,000 hosts: 244-253 MB peak RSS this way, 313-332 MB
// with the same SQL through $queryRaw. The allocation export reads the VFs given to each host's VMs
// the same way (ASSIGNMENT_SELECT), host by host: 218-253 MB peak RSS at 2,000 hosts, 379-443 MB
// through nested selects.

import 'server-only';
import Database from 'better-sqlite3';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { sqliteFileOf } from '@/lib/db/sqlite-file';
import { matchesVm } from './filters';
import type { PfVfCounts } from './inventory';
import type { AllocationAssignmentRecord, InventoryVfRecord } from './records';
import { log } from '@/lib/log';

/** Ids bound in one query: under SQLite's historical 999 bind values, which Prisma also assumes. */
const MAX_IDS = 500;

const VF_SELECT = `
  SELECT vf."pfId", vf."index", vf."pciAddress", vf."driver", vf."mac", vf."vlan", vf."qos", vf."trust", vf."spoofchk",
         vf."linkState", vf."maxTxRateMbps", vm."name" AS "vm", vm."numaNode" AS "vmNumaNode", a."assignedBy", a."assignedAt"
  FROM "VirtualFunction" vf
  LEFT JOIN "Assignment" a ON a."vfId" = vf."id"
  LEFT JOIN "VirtualMachine" vm ON vm."id" = a."vmId"`;

type VfRow = InventoryVfRecord & { pfId: string };

// The allocation report's: the VFs given to VMs, with their PFs. Not ordered: allocationRows() sorts.
const ASSIGNMENT_SELECT = `
  SELECT a."vmId", a."mac", a."vlan", a."assignedBy", a."assignedAt", vf."index", vf."pciAddress", vf."mac" AS "vfMac", vf."vlan" AS "vfVlan",
         vf."pfId", pf."pciAddress" AS "pfPciAddress", pf."vendorId", pf."deviceId", pf."modelName", pf."numaNode",
         a."guestSeen", a."guestDriver", a."guestLink", a."guestPci", a."guestDetail", a."guestNotSeenSince", vf."linkState" AS "vfLinkState", pf."vfDriver"
  FROM "Assignment" a
  JOIN "VirtualFunction" vf ON vf."id" = a."vfId"
  JOIN "PhysicalFunction" pf ON pf."id" = vf."pfId"`;

/** A row of ASSIGNMENT_SELECT; assignedAt a Date through Prisma, as SQLite stores it otherwise. */
type AssignmentRow = {
  vmId: string;
  mac: string | null;
  vlan: number | null;
  assignedBy: string;
  assignedAt: Date | string | number;
  index: number;
  pciAddress: string;
  vfMac: string | null;
  vfVlan: number | null;
  pfId: string;
  pfPciAddress: string;
  vendorId: string;
  deviceId: string;
  modelName: string;
  numaNode: number | null;
  guestSeen: string | null;
  guestDriver: string | null;
  guestLink: string | null;
  guestPci: string | null;
  guestDetail: string | null;
  guestNotSeenSince: Date | string | number | null;
  vfLinkState: string | null;
  vfDriver: string | null;
};

/** Where the inventory and allocation exports read VFs from, host by host; closed when the export ends or is cancelled. */
export interface VfSource {
  /** The VFs of these PFs with the VM each is given to, by PF, in index order; with assignedOnly, only VFs given to a VM. */
  vfs(pfIds: readonly string[], assignedOnly: boolean): Promise<Map<string, InventoryVfRecord[]>>;
  /** The VFs given to these VMs, by VM, in no particular order. */
  assignments(vmIds: readonly string[]): Promise<Map<string, AllocationAssignmentRecord[]>>;
  close(): void;
}

/** Adds the rows of one read to byVm; a PF's object is shared by its VFs in that read. */
function addAssignments(byVm: Map<string, AllocationAssignmentRecord[]>, rows: Iterable<AssignmentRow>) {
  const pfs = new Map<string, AllocationAssignmentRecord['vf']['pf']>();
  for (const row of rows) {
    let pf = pfs.get(row.pfId);
    if (!pf) {
      pf = { pciAddress: row.pfPciAddress, vendorId: row.vendorId, deviceId: row.deviceId, modelName: row.modelName, numaNode: row.numaNode };
      pfs.set(row.pfId, pf);
    }
    const assignment: AllocationAssignmentRecord = {
      mac: row.mac,
      vlan: row.vlan,
      assignedBy: row.assignedBy,
      assignedAt: row.assignedAt instanceof Date ? row.assignedAt : new Date(row.assignedAt),
      vf: { index: row.index, pciAddress: row.pciAddress, mac: row.vfMac, vlan: row.vfVlan, linkState: row.vfLinkState, pf },
      guest: {
        seen: row.guestSeen,
        driver: row.guestDriver,
        link: row.guestLink,
        pci: row.guestPci,
        detail: row.guestDetail,
        notSeenSince: row.guestNotSeenSince === null ? null : row.guestNotSeenSince instanceof Date ? row.guestNotSeenSince : new Date(row.guestNotSeenSince),
        expectedDriver: row.vfDriver,
      },
    };
    const list = byVm.get(row.vmId);
    if (list) list.push(assignment);
    else byVm.set(row.vmId, [assignment]);
  }
}

function addTo(byPf: Map<string, InventoryVfRecord[]>, row: VfRow) {
  const list = byPf.get(row.pfId);
  if (list) list.push(row);
  else byPf.set(row.pfId, [row]);
}

/** Through Prisma's driver adapter: any database Prisma supports. */
export function prismaVfSource(prisma: PrismaClient): VfSource {
  return {
    async vfs(pfIds, assignedOnly) {
      const byPf = new Map<string, InventoryVfRecord[]>();
      for (let start = 0; start < pfIds.length; start += MAX_IDS) {
        const rows = await prisma.$queryRaw<VfRow[]>`${Prisma.raw(VF_SELECT)}
          WHERE vf."pfId" IN (${Prisma.join(pfIds.slice(start, start + MAX_IDS))})${assignedOnly ? Prisma.sql` AND a."vfId" IS NOT NULL` : Prisma.empty}
          ORDER BY vf."pfId", vf."index"`;
        for (const row of rows) addTo(byPf, row);
      }
      return byPf;
    },
    async assignments(vmIds) {
      const byVm = new Map<string, AllocationAssignmentRecord[]>();
      for (let start = 0; start < vmIds.length; start += MAX_IDS) {
        addAssignments(byVm, await prisma.$queryRaw<AssignmentRow[]>`${Prisma.raw(ASSIGNMENT_SELECT)} WHERE a."vmId" IN (${Prisma.join(vmIds.slice(start, start + MAX_IDS))})`);
      }
      return byVm;
    },
    close() {},
  };
}

/** A row as SQLite stores it: Boolean as 0/1, DateTime as ISO-8601 text (or epoch milliseconds). */
type SqliteVfRow = Omit<VfRow, 'trust' | 'spoofchk' | 'assignedAt'> & { trust: number | null; spoofchk: number | null; assignedAt: string | number | null };

function flag(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

/** A read-only connection to the SQLite file. Short reads, one PF each, so writers are not held up. */
export function sqliteVfSource(file: string): VfSource {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // Each VF is read once, in order: a big page cache would only hold pages never read again.
  db.pragma('cache_size = -2048');
  const all = db.prepare<[string], SqliteVfRow>(`${VF_SELECT} WHERE vf."pfId" = ? ORDER BY vf."index"`);
  const assigned = db.prepare<[string], SqliteVfRow>(`${VF_SELECT} WHERE vf."pfId" = ? AND a."vfId" IS NOT NULL ORDER BY vf."index"`);
  const givenTo = db.prepare<[string], AssignmentRow>(`${ASSIGNMENT_SELECT} WHERE a."vmId" = ?`);
  return {
    async vfs(pfIds, assignedOnly) {
      const byPf = new Map<string, InventoryVfRecord[]>();
      for (const pfId of pfIds) {
        for (const row of (assignedOnly ? assigned : all).all(pfId)) {
          addTo(byPf, {
            ...row,
            trust: flag(row.trust),
            spoofchk: flag(row.spoofchk),
            assignedAt: row.assignedAt === null ? null : new Date(row.assignedAt),
          });
        }
      }
      return byPf;
    },
    async assignments(vmIds) {
      const byVm = new Map<string, AllocationAssignmentRecord[]>();
      for (const vmId of vmIds) addAssignments(byVm, givenTo.iterate(vmId));
      return byVm;
    },
    close: () => db.close(),
  };
}

export async function openVfSource(prisma: PrismaClient): Promise<VfSource> {
  const file = await sqliteFileOf(prisma);
  if (file) {
    try {
      return sqliteVfSource(file);
    } catch (error) {
      // Slower and heavier, but the same rows: a download should not fail for want of a second connection.
      log.warn({ err: error, file }, 'reports: reading the SQLite file directly failed, reading VFs through Prisma');
    }
  }
  return prismaVfSource(prisma);
}

type CountRow = { pfId: string; vm?: string | null; vfs: bigint | number; assigned: bigint | number; vfioBound: bigint | number | null };

/** VFs given to VMs, per PF, counted by the database (PFs with none are left out). */
export async function assignedVfCounts(prisma: PrismaClient, pfIds: readonly string[]): Promise<Map<string, number>> {
  const byPf = new Map<string, number>();
  for (let start = 0; start < pfIds.length; start += MAX_IDS) {
    const rows = await prisma.$queryRaw<{ pfId: string; assigned: bigint | number }[]>`
      SELECT vf."pfId", COUNT(*) AS "assigned"
      FROM "Assignment" a
      JOIN "VirtualFunction" vf ON vf."id" = a."vfId"
      WHERE vf."pfId" IN (${Prisma.join(pfIds.slice(start, start + MAX_IDS))})
      GROUP BY vf."pfId"`;
    for (const row of rows) byPf.set(row.pfId, Number(row.assigned));
  }
  return byPf;
}

/** VFs given to each of these VMs, counted by the database per PF NUMA node and NIC model. */
export interface VmVfCount {
  numaNode: number | null;
  vendorId: string;
  deviceId: string;
  vfs: number;
}

/** The allocation page's figures without its rows: what allocationRows() would list per VM, counted. */
export async function allocationVfCounts(prisma: PrismaClient, vmIds: readonly string[]): Promise<Map<string, VmVfCount[]>> {
  const byVm = new Map<string, VmVfCount[]>();
  for (let start = 0; start < vmIds.length; start += MAX_IDS) {
    const rows = await prisma.$queryRaw<{ vmId: string; numaNode: number | null; vendorId: string; deviceId: string; vfs: bigint | number }[]>`
      SELECT a."vmId", pf."numaNode", pf."vendorId", pf."deviceId", COUNT(*) AS "vfs"
      FROM "Assignment" a
      JOIN "VirtualFunction" vf ON vf."id" = a."vfId"
      JOIN "PhysicalFunction" pf ON pf."id" = vf."pfId"
      WHERE a."vmId" IN (${Prisma.join(vmIds.slice(start, start + MAX_IDS))})
      GROUP BY a."vmId", pf."numaNode", pf."vendorId", pf."deviceId"`;
    for (const { vmId, vfs, ...pf } of rows) {
      const list = byVm.get(vmId) ?? [];
      byVm.set(vmId, list);
      list.push({ ...pf, vfs: Number(vfs) });
    }
  }
  return byVm;
}

/**
 * VFs, assigned VFs and VFs bound to vfio-pci per PF, counted by the database. With a VM filter
 * the counts are per PF and VM, for assigned VFs only, and the VMs are matched here as
 * inventoryRows() matches them.
 */
export async function inventoryVfCounts(prisma: PrismaClient, pfIds: readonly string[], vm: string | undefined): Promise<Map<string, PfVfCounts>> {
  const byPf = new Map<string, PfVfCounts>();
  for (let start = 0; start < pfIds.length; start += MAX_IDS) {
    const ids = Prisma.join(pfIds.slice(start, start + MAX_IDS));
    const rows = vm
      ? await prisma.$queryRaw<CountRow[]>`
          SELECT vf."pfId", vm."name" AS "vm", COUNT(*) AS "vfs", COUNT(*) AS "assigned",
                 SUM(CASE WHEN vf."driver" = 'vfio-pci' THEN 1 ELSE 0 END) AS "vfioBound"
          FROM "VirtualFunction" vf
          JOIN "Assignment" a ON a."vfId" = vf."id"
          JOIN "VirtualMachine" vm ON vm."id" = a."vmId"
          WHERE vf."pfId" IN (${ids})
          GROUP BY vf."pfId", vm."name"`
      : await prisma.$queryRaw<CountRow[]>`
          SELECT vf."pfId", COUNT(*) AS "vfs", COUNT(a."vfId") AS "assigned",
                 SUM(CASE WHEN vf."driver" = 'vfio-pci' THEN 1 ELSE 0 END) AS "vfioBound"
          FROM "VirtualFunction" vf
          LEFT JOIN "Assignment" a ON a."vfId" = vf."id"
          WHERE vf."pfId" IN (${ids})
          GROUP BY vf."pfId"`;
    for (const row of rows) {
      if (vm && (!row.vm || !matchesVm(row.vm, vm))) continue;
      const counts = byPf.get(row.pfId) ?? { vfs: 0, assigned: 0, vfioBound: 0 };
      byPf.set(row.pfId, counts);
      counts.vfs += Number(row.vfs);
      counts.assigned += Number(row.assigned);
      counts.vfioBound += Number(row.vfioBound ?? 0);
    }
  }
  return byPf;
}
