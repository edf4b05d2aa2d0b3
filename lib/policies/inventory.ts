// The inventory as plans see it: hosts with their labels, BIOS values and registry, PFs, VFs and
// VMs, read a page of hosts at a time (a fleet of thousands is never in memory at once), and a
// fingerprint of what a plan depends on, so a plan computed earlier can tell what changed since.

import 'server-only';
import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import Database from 'better-sqlite3';
import type { RegistryDigest } from '@/agent/src/redfish';
import { sqliteFileOf } from '@/lib/db/sqlite-file';
import type { PlanHost, PlanPf, PlanVf } from './plan';
import { log } from '@/lib/log';

// Small pages: a page's hosts live while they are planned, and what outlives a young-generation
// collection is promoted and stays until a full one; 25 hosts a page instead of 500 lowered a
// 2,000-host plan's peak RSS by about 20 MB at no cost in time (bench/policy-plan.ts).
const PAGE = 25;

// Flat reads, one per table for a page of hosts, joined here. On SQLite they go through a
// read-only connection of their own, as the report exports do: Prisma's client costs several
// times as much per row on a fleet of thousands (bench/policy-plan.ts); elsewhere, flat Prisma
// reads (never nested selects).

interface HostRow {
  id: string;
  name: string;
  model: string;
  generation: string;
  cpuVendor: string;
  agentStatus: string;
  observedAt: Date | null;
  kernelCmdline: string | null;
  vfioPciLoaded: boolean | null;
}
interface PageRows {
  labels: { hostId: string; key: string; value: string }[];
  bios: { hostId: string; values: string }[];
  registries: { hostId: string; registryId: string | null; biosVersion: string | null }[];
  vms: { hostId: string; id: string; name: string; state: string }[];
  pfs: (Omit<PlanPf, 'vfs'> & { hostId: string })[];
  /** Each VF as plans see it (vm still null), and beside it its PF and the VM its assignment names. */
  vfs: { vf: PlanVf[]; pfId: string[]; vmId: (string | null)[] };
  macs: { hostId: string; pfAddress: string; vfIndex: number; mac: string }[];
}
interface Reader {
  hosts(after: string | null, hostIds: readonly string[] | null, limit: number): Promise<HostRow[]>;
  /** nics false: no PFs, VFs or ledger MACs (a policy without NIC rules, like the baseline, needs none). */
  rows(hostIds: string[], nics: boolean): Promise<PageRows>;
  registry(hostId: string): Promise<{ registryId: string | null; biosVersion: string | null; attributes: string; dependencies: string | null } | null>;
  close(): void;
}

function prismaReader(prisma: PrismaClient): Reader {
  const hostSelect = { id: true, name: true, model: true, generation: true, cpuVendor: true, agentStatus: true, observedAt: true, kernelCmdline: true, vfioPciLoaded: true } satisfies Prisma.HostSelect;
  return {
    hosts: (after, hostIds, limit) =>
      prisma.host.findMany({ where: { ...(hostIds ? { id: { in: [...hostIds] } } : {}), ...(after !== null ? { name: { gt: after } } : {}) }, orderBy: { name: 'asc' }, take: limit, select: hostSelect }),
    async rows(ids, nics) {
      const hostId = { in: ids };
      const none = Promise.resolve([]);
      const [labels, bios, registries, vms, pfs, vfs, macs] = await Promise.all([
        prisma.hostLabel.findMany({ where: { hostId }, select: { hostId: true, key: true, value: true } }),
        prisma.biosRead.findMany({ where: { hostId }, select: { hostId: true, values: true } }),
        prisma.biosRegistry.findMany({ where: { hostId }, select: { hostId: true, registryId: true, biosVersion: true } }),
        prisma.virtualMachine.findMany({ where: { hostId }, orderBy: { name: 'asc' }, select: { hostId: true, id: true, name: true, state: true } }),
        nics ? prisma.physicalFunction.findMany({
          where: { hostId },
          orderBy: { pciAddress: 'asc' },
          select: { hostId: true, id: true, pciAddress: true, vendorId: true, deviceId: true, modelName: true, netdev: true, totalVfs: true, currentVfs: true, firmwareMaxVfs: true, vfDriver: true },
        }) : none,
        nics ? prisma.virtualFunction.findMany({
          where: { hostId },
          orderBy: [{ pfId: 'asc' }, { index: 'asc' }],
          select: { pfId: true, index: true, pciAddress: true, driver: true, trust: true, spoofchk: true, linkState: true, maxTxRateMbps: true, mac: true, assignment: { select: { vmId: true } } },
        }) : none,
        nics ? prisma.macAllocation.findMany({ where: { hostId }, select: { hostId: true, pfAddress: true, vfIndex: true, mac: true } }) : none,
      ]);
      return {
        labels,
        bios,
        registries,
        vms,
        pfs,
        vfs: { vf: vfs.map(({ pfId: _p, assignment: _a, ...vf }) => ({ ...vf, vm: null })), pfId: vfs.map((vf) => vf.pfId), vmId: vfs.map((vf) => vf.assignment?.vmId ?? null) },
        macs,
      };
    },
    registry: (hostId) => prisma.biosRegistry.findUnique({ where: { hostId }, select: { registryId: true, biosVersion: true, attributes: true, dependencies: true } }),
    close() {},
  };
}

const flag = (v: unknown) => (v === null || v === undefined ? null : Boolean(v));
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | number));

function sqliteReader(file: string): Reader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // Each page is read once: better-sqlite3's 16 MB page cache would only hold pages never read again.
  db.pragma('cache_size = -2000');
  const ids = `(SELECT value FROM json_each(?))`;
  const hostCols = `"id", "name", "model", "generation", "cpuVendor", "agentStatus", "observedAt", "kernelCmdline", "vfioPciLoaded"`;
  const firstPage = db.prepare(`SELECT ${hostCols} FROM "Host" ORDER BY "name" LIMIT ?`);
  const nextPage = db.prepare(`SELECT ${hostCols} FROM "Host" WHERE "name" > ? ORDER BY "name" LIMIT ?`);
  const firstOf = db.prepare(`SELECT ${hostCols} FROM "Host" WHERE "id" IN ${ids} ORDER BY "name" LIMIT ?`);
  const nextOf = db.prepare(`SELECT ${hostCols} FROM "Host" WHERE "id" IN ${ids} AND "name" > ? ORDER BY "name" LIMIT ?`);
  const labels = db.prepare(`SELECT "hostId", "key", "value" FROM "HostLabel" WHERE "hostId" IN ${ids}`);
  const bios = db.prepare(`SELECT "hostId", "values" FROM "BiosRead" WHERE "hostId" IN ${ids}`);
  const registries = db.prepare(`SELECT "hostId", "registryId", "biosVersion" FROM "BiosRegistry" WHERE "hostId" IN ${ids}`);
  const registry = db.prepare(`SELECT "registryId", "biosVersion", "attributes", "dependencies" FROM "BiosRegistry" WHERE "hostId" = ?`);
  const vms = db.prepare(`SELECT "hostId", "id", "name", "state" FROM "VirtualMachine" WHERE "hostId" IN ${ids} ORDER BY "name"`);
  const pfs = db.prepare(
    `SELECT "hostId", "id", "pciAddress", "vendorId", "deviceId", "modelName", "netdev", "totalVfs", "currentVfs", "firmwareMaxVfs", "vfDriver" FROM "PhysicalFunction" WHERE "hostId" IN ${ids} ORDER BY "pciAddress"`,
  );
  const vfs = db.prepare(
    `SELECT vf."pfId", vf."index", vf."pciAddress", vf."driver", vf."trust", vf."spoofchk", vf."linkState", vf."maxTxRateMbps", vf."mac", a."vmId"
     FROM "VirtualFunction" vf LEFT JOIN "Assignment" a ON a."vfId" = vf."id" WHERE vf."hostId" IN ${ids} ORDER BY vf."pfId", vf."index"`,
  );
  const macs = db.prepare(`SELECT "hostId", "pfAddress", "vfIndex", "mac" FROM "MacAllocation" WHERE "hostId" IN ${ids}`);
  type Raw = Record<string, unknown>;
  return {
    async hosts(after, hostIds, limit) {
      const rows = (hostIds ? (after === null ? firstOf.all(JSON.stringify(hostIds), limit) : nextOf.all(JSON.stringify(hostIds), after, limit)) : after === null ? firstPage.all(limit) : nextPage.all(after, limit)) as Raw[];
      return rows.map((r) => ({ ...(r as unknown as HostRow), observedAt: date(r.observedAt), vfioPciLoaded: flag(r.vfioPciLoaded) }));
    },
    async rows(hostIds, nics) {
      const arg = JSON.stringify(hostIds);
      return {
        labels: labels.all(arg) as PageRows['labels'],
        bios: bios.all(arg) as PageRows['bios'],
        registries: registries.all(arg) as PageRows['registries'],
        vms: vms.all(arg) as PageRows['vms'],
        pfs: nics ? (pfs.all(arg) as PageRows['pfs']) : [],
        // As arrays: a fleet has tens of thousands of VFs, and each row object would be garbage at once.
        vfs: (() => {
          const out: PageRows['vfs'] = { vf: [], pfId: [], vmId: [] };
          for (const [pfId, index, pciAddress, driver, trust, spoofchk, linkState, maxTxRateMbps, mac, vmId] of (nics ? vfs.raw().all(arg) : []) as unknown[][]) {
            out.vf.push({ index: index as number, pciAddress: pciAddress as string, driver: driver as string | null, trust: flag(trust), spoofchk: flag(spoofchk), linkState: linkState as string | null, maxTxRateMbps: maxTxRateMbps as number | null, mac: mac as string | null, vm: null });
            out.pfId.push(pfId as string);
            out.vmId.push(vmId as string | null);
          }
          return out;
        })(),
        macs: nics ? (macs.all(arg) as PageRows['macs']) : [],
      };
    },
    async registry(hostId) {
      return (registry.get(hostId) as Awaited<ReturnType<Reader['registry']>> | undefined) ?? null;
    },
    close: () => db.close(),
  };
}

async function openReader(prisma: PrismaClient): Promise<Reader> {
  const file = await sqliteFileOf(prisma);
  if (file) {
    try {
      return sqliteReader(file);
    } catch (error) {
      log.warn({ err: error, file }, 'policies: reading the SQLite file directly failed, reading through Prisma');
    }
  }
  return prismaReader(prisma);
}

function group<T extends { hostId: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.hostId);
    if (list) list.push(row);
    else out.set(row.hostId, [row]);
  }
  return out;
}

/**
 * Hosts a page at a time, in name order (all of them, or these). Registries are shared by every
 * host of a BIOS version: each is read and parsed once per walk.
 */
export async function* planHosts(prisma: PrismaClient, options: { hostIds?: readonly string[]; nics?: boolean } = {}): AsyncGenerator<PlanHost[]> {
  const reader = await openReader(prisma);
  const parsed = new Map<string, RegistryDigest | null>();
  try {
    let after: string | null = null;
    for (;;) {
      const hosts = await reader.hosts(after, options.hostIds ?? null, PAGE);
      if (hosts.length === 0) return;
      const rows = await reader.rows(hosts.map((h) => h.id), options.nics !== false);
      const registryOf = new Map<string, RegistryDigest | null>();
      for (const r of rows.registries) {
        const key = `${r.registryId}\u0000${r.biosVersion}`;
        if (!parsed.has(key)) {
          const full = await reader.registry(r.hostId);
          parsed.set(key, full ? { id: full.registryId, biosVersion: full.biosVersion, attributes: JSON.parse(full.attributes), dependencies: full.dependencies ? JSON.parse(full.dependencies) : null } : null);
        }
        registryOf.set(r.hostId, parsed.get(key)!);
      }
      const labelsBy = group(rows.labels);
      const biosBy = new Map(rows.bios.map((b) => [b.hostId, b.values]));
      // One object per VM, shared by the host's list and the VFs it holds.
      const vmById = new Map(rows.vms.map((v) => [v.id, { name: v.name, state: v.state }]));
      const vmsBy = group(rows.vms);
      const pfsBy = group(rows.pfs);
      const macsBy = group(rows.macs);
      const vfsByPf = new Map<string, PlanVf[]>();
      rows.vfs.vf.forEach((vf, i) => {
        const vmId = rows.vfs.vmId[i];
        if (vmId) vf.vm = vmById.get(vmId) ?? null;
        const pfId = rows.vfs.pfId[i]!;
        const list = vfsByPf.get(pfId);
        if (list) list.push(vf);
        else vfsByPf.set(pfId, [vf]);
      });
      yield hosts.map((h): PlanHost => {
        const values = biosBy.get(h.id);
        return {
          ...h,
          labels: Object.fromEntries((labelsBy.get(h.id) ?? []).map((l) => [l.key, l.value])),
          biosValues: values === undefined ? null : (JSON.parse(values) as PlanHost['biosValues']),
          registry: registryOf.get(h.id) ?? null,
          vms: (vmsBy.get(h.id) ?? []).map((v) => vmById.get(v.id)!),
          macs: Object.fromEntries((macsBy.get(h.id) ?? []).map((m) => [`${m.pfAddress}/${m.vfIndex}`, m.mac])),
          pfs: (pfsBy.get(h.id) ?? []).map(
            (pf): PlanPf => ({
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
              vfs: vfsByPf.get(pf.id) ?? [],
            }),
          ),
        };
      });
      if (hosts.length < PAGE) return;
      after = hosts.at(-1)!.name;
    }
  } finally {
    reader.close();
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
    // One line per PF for its VFs: a plan over thousands of hosts keeps these for every host.
    if (pf.vfs.length) {
      facts[`${pf.pciAddress} VF settings`] = pf.vfs.map((vf) => `${vf.index}:${vf.driver ?? '-'}/${vf.trust ? 'T' : 't'}${vf.spoofchk ? 'S' : 's'}/${vf.linkState ?? '-'}/${vf.maxTxRateMbps ?? '-'}/${vf.mac ?? '-'}${vf.vm ? `@${vf.vm.name}` : ''}`).join(' ');
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
  return keys
    .filter((k) => before[k] !== after[k])
    .flatMap((k) => (k.endsWith(' VF settings') ? vfChanges(k.replace(' VF settings', ''), before[k], after[k]) : [`${k}: ${before[k] ?? '(none)'} → ${after[k] ?? '(gone)'}`]));
}

/** "0000:5d:00.0 VF 3: trust off → on" out of two of hostFacts' per-PF lines. */
function vfChanges(pf: string, before: string | undefined, after: string | undefined): string[] {
  const parse = (line: string | undefined) => new Map((line ?? '').split(' ').filter(Boolean).map((t) => [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)] as const));
  const words = (token: string | undefined) => {
    if (token === undefined) return '(none)';
    const [driver, flags, link, rate, mac] = token.split('@')[0]!.split('/');
    const vm = token.includes('@') ? `held by ${token.split('@')[1]}` : 'free';
    return `${driver}, trust ${flags?.[0] === 'T' ? 'on' : 'off'}, spoof check ${flags?.[1] === 'S' ? 'on' : 'off'}, link ${link}, rate ${rate}${mac ? `, MAC ${mac}` : ''}, ${vm}`;
  };
  const a = parse(before);
  const b = parse(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .sort((x, y) => Number(x) - Number(y))
    .filter((i) => a.get(i) !== b.get(i))
    .map((i) => `${pf} VF ${i}: ${words(a.get(i))} → ${b.has(i) ? words(b.get(i)) : '(gone)'}`);
}
