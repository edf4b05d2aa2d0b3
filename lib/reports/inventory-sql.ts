// The inventory's VFs in plain SQL, the one place the reports leave Prisma's query API. A fleet of
// 2,000 hosts has 512,000 VFs. Read through nested selects, every VF became several objects that
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
// with the same SQL through $queryRaw.

import Database from 'better-sqlite3';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { matchesVm } from './filters';
import type { PfVfCounts } from './inventory';
import type { InventoryVfRecord } from './records';

/** Ids bound in one query: under SQLite's historical 999 bind values, which Prisma also assumes. */
const MAX_IDS = 500;

const VF_SELECT = `
  SELECT vf."pfId", vf."index", vf."pciAddress", vf."driver", vf."mac", vf."vlan", vf."qos", vf."trust", vf."spoofchk",
         vf."linkState", vf."maxTxRateMbps", vm."name" AS "vm", vm."numaNode" AS "vmNumaNode", a."assignedBy", a."assignedAt"
  FROM "VirtualFunction" vf
  LEFT JOIN "Assignment" a ON a."vfId" = vf."id"
  LEFT JOIN "VirtualMachine" vm ON vm."id" = a."vmId"`;

type VfRow = InventoryVfRecord & { pfId: string };

/** Where the inventory export reads VFs from, PF by PF; closed when the export ends or is cancelled. */
export interface VfSource {
  /** The VFs of these PFs with the VM each is given to, by PF, in index order; with assignedOnly, only VFs given to a VM. */
  vfs(pfIds: readonly string[], assignedOnly: boolean): Promise<Map<string, InventoryVfRecord[]>>;
  close(): void;
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
    close: () => db.close(),
  };
}

const sqliteFiles = new WeakMap<PrismaClient, Promise<string | null>>();

/** The client's database file when it is SQLite on disk; null otherwise (PostgreSQL, or in memory). */
function sqliteFileOf(prisma: PrismaClient): Promise<string | null> {
  let file = sqliteFiles.get(prisma);
  if (!file) {
    // PRAGMA is SQLite's own: anywhere else it fails, and the answer is "not SQLite".
    file = prisma.$queryRawUnsafe<{ name: string; file: string }[]>('PRAGMA database_list').then(
      (list) => list.find((d) => d.name === 'main')?.file || null,
      () => null,
    );
    sqliteFiles.set(prisma, file);
  }
  return file;
}

export async function openVfSource(prisma: PrismaClient): Promise<VfSource> {
  const file = await sqliteFileOf(prisma);
  if (file) {
    try {
      return sqliteVfSource(file);
    } catch (error) {
      // Slower and heavier, but the same rows: a download should not fail for want of a second connection.
      console.warn(`reports: reading ${file} directly failed, reading VFs through Prisma`, error);
    }
  }
  return prismaVfSource(prisma);
}

type CountRow = { pfId: string; vm?: string | null; vfs: bigint | number; assigned: bigint | number; vfioBound: bigint | number | null };

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
