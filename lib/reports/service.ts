// What the report pages and route handlers ask of the inventory. Hosts are read a page at a
// time (keyset paging on the unique name), each page turned into rows by the pure functions
// beside this file, so a fleet of thousands of hosts never sits in memory at once.

import 'server-only';
import type { PrismaClient, Prisma } from '@/lib/generated/prisma/client';
import { NIC_MODELS } from '@/lib/inventory/nic-catalog';
import { allocationRows, allocationTally, numaPlacement, type AllocationQuery } from './allocation';
import { capacityGrouper, capacityParts, capacityTally, type CapacityQuery } from './capacity';
import { REPORTS, VIEW_ROW_LIMIT, type ReportFormat, type ReportName, type ReportView } from './catalog';
import type { ReportRow } from './columns';
import { complianceRow, complianceTally, type ComplianceQuery } from './compliance';
import { matchesNicModel, matchesVm, type HostFilters } from './filters';
import { historyRow, historyTally, type HistoryQuery } from './history';
import { readinessIfSelected, selectedByStoredVerdict } from './host-filter';
import { inventoryFigures, inventoryRows, inventoryTally, type InventoryQuery } from './inventory';
import { allocationVfCounts, assignedVfCounts, inventoryVfCounts, openVfSource } from './inventory-sql';
import { iso } from './columns';
import { allocationHostSelect, capacityHostSelect, complianceHostSelect, inventoryHostSelect, operationSelect, type InventoryHostFacts } from './records';
import { macDuplicateRow, macDuplicatesTally, type MacDuplicatesQuery } from './mac-duplicates';
import { findMacDuplicates } from '@/lib/inventory/mac-duplicates';
import { BASELINE_POLICY } from '@/lib/policies/baseline';
import { NO_HISTORY } from '@/lib/policies/estimates';
import { planHosts } from '@/lib/policies/inventory';
import { planHost, type HostPlan } from '@/lib/policies/plan';
import { csvChunks, jsonChunks, textStream } from './stream';
import type { Tally } from './tally';
import { containsText } from '@/lib/db/text-search';
import { log } from '@/lib/log';

/** Hosts per database page. The inventory's and allocation's VFs are not in these pages: they are read host by host. */
const HOST_PAGE = 200;
const OPERATION_PAGE = 1000;

export function hostWhere(f: HostFilters): Prisma.HostWhereInput {
  const nic = f.nicModel ? NIC_MODELS[f.nicModel] : undefined;
  return {
    ...(f.host && { name: containsText(f.host) }),
    ...(f.generation && { generation: f.generation }),
    ...(f.model && { model: f.model }),
    ...(nic && { physicalFunctions: { some: { vendorId: nic.vendorId, deviceId: nic.deviceId } } }),
    ...(f.vm && { virtualMachines: { some: { name: containsText(f.vm) } } }),
  };
}

/** hostWhere, and the readiness filter by the verdict stored on the host's row (selectedByStoredVerdict). */
function storedVerdictWhere(f: HostFilters): Prisma.HostWhereInput {
  return { ...hostWhere(f), ...(f.readiness && { readinessVerdict: f.readiness }) };
}

async function* hostPages<T extends { name: string }>(
  find: (args: { where: Prisma.HostWhereInput; orderBy: { name: 'asc' }; take: number }) => Promise<T[]>,
  where: Prisma.HostWhereInput,
  size: number,
): AsyncGenerator<T[]> {
  let after: string | undefined;
  for (;;) {
    const page = await find({ where: after === undefined ? where : { AND: [where, { name: { gt: after } }] }, orderBy: { name: 'asc' }, take: size });
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    after = page[page.length - 1]?.name;
  }
}

function inventoryHostPages(prisma: PrismaClient, query: InventoryQuery): AsyncGenerator<InventoryHostFacts[]> {
  return hostPages((args) => prisma.host.findMany({ ...args, select: inventoryHostSelect }), hostWhere(query), HOST_PAGE);
}

/** One batch per host (~256 rows on a 4-PF host): its VFs are one read, its rows one CSV chunk. */
async function* inventoryBatches(prisma: PrismaClient, query: InventoryQuery): AsyncGenerator<ReportRow[]> {
  const source = await openVfSource(prisma);
  try {
    for await (const hosts of inventoryHostPages(prisma, query)) {
      for (const host of hosts) {
        if (!readinessIfSelected(host, query)) continue;
        const pfIds = host.physicalFunctions.filter((pf) => matchesNicModel(pf, query.nicModel)).map((pf) => pf.id);
        const vfs = await source.vfs(pfIds, query.vm !== undefined);
        const rows = inventoryRows({ ...host, physicalFunctions: host.physicalFunctions.map((pf) => ({ ...pf, virtualFunctions: vfs.get(pf.id) ?? [] })) }, query);
        if (rows.length > 0) yield rows;
      }
    }
  } finally {
    source.close();
  }
}

/** The inventory page's figures and row count from the hosts, their PFs and VF counts per PF. */
async function inventoryView(prisma: PrismaClient, query: InventoryQuery): Promise<ViewFigures> {
  const figures = inventoryFigures();
  for await (const hosts of inventoryHostPages(prisma, query)) {
    const pfIds = hosts.flatMap((h) => (readinessIfSelected(h, query) ? h.physicalFunctions.filter((pf) => matchesNicModel(pf, query.nicModel)).map((pf) => pf.id) : []));
    const counts = await inventoryVfCounts(prisma, pfIds, query.vm);
    for (const host of hosts) figures.addHost(host, (pf) => counts.get(pf.id), query);
  }
  return { summary: figures.result(), rowCount: figures.rowCount() };
}

/**
 * The allocation page's figures, counted by the database: the VFs given to each selected VM per
 * PF NUMA node and NIC model, fed to the same tally as the rows would be, one VF at a time (it
 * reads a row's host, VM, placement and observation time only). Reading and judging every
 * assignment row of the fleet only to add them up took seconds at 2,000 hosts.
 */
async function allocationView(prisma: PrismaClient, query: AllocationQuery): Promise<ViewFigures> {
  const tally = allocationTally();
  let rowCount = 0;
  for await (const hosts of hostPages((args) => prisma.host.findMany({ ...args, select: allocationHostSelect }), storedVerdictWhere(query), HOST_PAGE)) {
    const vms = hosts.flatMap((host) => (selectedByStoredVerdict(host, query) ? host.virtualMachines.filter((vm) => matchesVm(vm.name, query.vm)).map((vm) => ({ host, vm })) : []));
    const counts = await allocationVfCounts(prisma, vms.map(({ vm }) => vm.id));
    for (const { host, vm } of vms) {
      for (const pf of counts.get(vm.id) ?? []) {
        if (!matchesNicModel(pf, query.nicModel)) continue;
        const placement = numaPlacement(vm.numaNode, pf.numaNode);
        if (query.placement && placement !== query.placement) continue;
        const row = { host: host.name, vm: vm.name, placement, observedAt: iso(host.observedAt) };
        for (let i = 0; i < pf.vfs; i++) tally.add(row);
        rowCount += pf.vfs;
      }
    }
  }
  return { summary: tally.result(), rowCount };
}

/** One batch per host, as the inventory's: the VFs given to its VMs are one read (one per VM on SQLite). */
async function* allocationBatches(prisma: PrismaClient, query: AllocationQuery): AsyncGenerator<ReportRow[]> {
  const source = await openVfSource(prisma);
  try {
    const pages = hostPages((args) => prisma.host.findMany({ ...args, select: allocationHostSelect }), storedVerdictWhere(query), HOST_PAGE);
    for await (const hosts of pages) {
      for (const host of hosts) {
        if (!selectedByStoredVerdict(host, query)) continue;
        // allocationRows() skips the other VMs anyway: their VFs need not be read.
        const vms = host.virtualMachines.filter((vm) => matchesVm(vm.name, query.vm));
        const given = await source.assignments(vms.map((vm) => vm.id));
        const rows = allocationRows({ ...host, virtualMachines: vms.map((vm) => ({ ...vm, assignments: given.get(vm.id) ?? [] })) }, query);
        if (rows.length > 0) yield rows;
      }
    }
  } finally {
    source.close();
  }
}

async function* capacityBatches(prisma: PrismaClient, query: CapacityQuery): AsyncGenerator<ReportRow[]> {
  const pages = hostPages((args) => prisma.host.findMany({ ...args, select: capacityHostSelect }), storedVerdictWhere(query), HOST_PAGE);
  // NIC-model groups span the fleet: add every page up, then answer once.
  const fleetWide = query.groupBy === 'nic-model' ? capacityGrouper(query.groupBy, query.threshold) : null;
  for await (const facts of pages) {
    const assigned = await assignedVfCounts(prisma, facts.flatMap((h) => h.physicalFunctions.map((pf) => pf.id)));
    const hosts = facts.map((h) => ({ ...h, physicalFunctions: h.physicalFunctions.map((pf) => ({ ...pf, _count: { virtualFunctions: assigned.get(pf.id) ?? 0 } })) }));
    const grouper = fleetWide ?? capacityGrouper(query.groupBy, query.threshold);
    for (const host of hosts) for (const part of capacityParts(host, query)) grouper.add(part);
    if (!fleetWide) yield grouper.rows();
  }
  if (fleetWide) yield fleetWide.rows().sort((a, b) => a.group.localeCompare(b.group));
}

async function* complianceBatches(prisma: PrismaClient, query: ComplianceQuery): AsyncGenerator<ReportRow[]> {
  const pages = hostPages((args) => prisma.host.findMany({ ...args, select: complianceHostSelect }), hostWhere(query), HOST_PAGE);
  for await (const hosts of pages) {
    // Each host's plan against the baseline alone, by the engine every policy's plan uses.
    const plans = new Map<string, HostPlan>();
    for await (const page of planHosts(prisma, { hostIds: hosts.map((h) => h.id), nics: false })) {
      for (const host of page) plans.set(host.id, planHost(host, [BASELINE_POLICY], { durations: NO_HISTORY }));
    }
    yield hosts.flatMap((h) => {
      const plan = plans.get(h.id);
      const row = plan ? complianceRow(h, plan, query) : null;
      return row ? [row] : [];
    });
  }
}

function operationWhere(q: HistoryQuery): Prisma.OperationWhereInput {
  return {
    ...((q.from || q.to) && { queuedAt: { ...(q.from && { gte: q.from }), ...(q.to && { lt: q.to }) } }),
    ...(q.user && { requestedBy: q.user }),
    ...(q.host && { host: { is: { name: containsText(q.host) } } }),
    ...(q.kind && { kind: q.kind }),
    ...(q.status && { status: q.status }),
  };
}

async function* historyBatches(prisma: PrismaClient, query: HistoryQuery): AsyncGenerator<ReportRow[]> {
  const where = operationWhere(query);
  let cursor: string | undefined;
  for (;;) {
    const ops = await prisma.operation.findMany({
      where,
      select: operationSelect,
      // Newest first; the id breaks ties between operations queued in the same millisecond.
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: OPERATION_PAGE,
      ...(cursor && { cursor: { id: cursor }, skip: 1 }),
    });
    if (ops.length === 0) return;
    yield ops.map(historyRow);
    if (ops.length < OPERATION_PAGE) return;
    cursor = ops[ops.length - 1]?.id;
  }
}

/** One batch: duplicates are few by nature (none in a healthy fleet). */
async function* macDuplicateBatches(prisma: PrismaClient, query: MacDuplicatesQuery): AsyncGenerator<ReportRow[]> {
  const found = await findMacDuplicates(prisma);
  const rows = found.filter((r) => !query.host || r.hostName.includes(query.host)).map(macDuplicateRow);
  if (rows.length) yield rows;
}

interface ViewFigures {
  summary: unknown;
  rowCount: number;
}

interface Source {
  batches(prisma: PrismaClient, query: unknown): AsyncGenerator<ReportRow[]>;
  tally(): Tally<ReportRow, unknown>;
  /** The page's figures counted by the database, where adding up every row would take too long. */
  view?(prisma: PrismaClient, query: unknown): Promise<ViewFigures>;
}

// The queries reach these functions only after REPORTS[name].schema parsed them.
const SOURCES: Record<ReportName, Source> = {
  inventory: {
    batches: (p, q) => inventoryBatches(p, q as InventoryQuery),
    tally: inventoryTally as () => Tally<ReportRow, unknown>,
    view: (p, q) => inventoryView(p, q as InventoryQuery),
  },
  allocation: {
    batches: (p, q) => allocationBatches(p, q as AllocationQuery),
    tally: allocationTally as () => Tally<ReportRow, unknown>,
    view: (p, q) => allocationView(p, q as AllocationQuery),
  },
  capacity: { batches: (p, q) => capacityBatches(p, q as CapacityQuery), tally: capacityTally as () => Tally<ReportRow, unknown> },
  compliance: { batches: (p, q) => complianceBatches(p, q as ComplianceQuery), tally: complianceTally as () => Tally<ReportRow, unknown> },
  history: { batches: (p, q) => historyBatches(p, q as HistoryQuery), tally: historyTally as () => Tally<ReportRow, unknown> },
  'mac-duplicates': { batches: (p, q) => macDuplicateBatches(p, q as MacDuplicatesQuery), tally: macDuplicatesTally as () => Tally<ReportRow, unknown> },
};

export function reportBatches(prisma: PrismaClient, name: ReportName, query: unknown): AsyncGenerator<ReportRow[]> {
  return SOURCES[name].batches(prisma, query);
}

export interface ReportDownload {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  fileName: string;
}

export async function streamReport(prisma: PrismaClient, name: ReportName, query: Record<string, unknown>, format: ReportFormat, now = new Date()): Promise<ReportDownload> {
  const meta = REPORTS[name];
  const batches = reportBatches(prisma, name, query);
  const chunks =
    format === 'csv'
      ? csvChunks(meta.columns, batches)
      : jsonChunks({ report: name, title: meta.title, generatedAt: now.toISOString(), filters: query }, meta.columns, batches, SOURCES[name].tally());
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return {
    body: await textStream(chunks, (error) => log.error({ err: error, report: name }, 'report failed while streaming')),
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    fileName: `sriov-${name}-${stamp}Z.${format}`,
  };
}

export async function reportView(prisma: PrismaClient, name: ReportName, query: unknown, now = new Date()): Promise<ReportView> {
  const source = SOURCES[name];
  const rows: ReportRow[] = [];
  let figures: ViewFigures;
  if (source.view) {
    figures = await source.view(prisma, query);
    for await (const batch of reportBatches(prisma, name, query)) {
      rows.push(...batch.slice(0, VIEW_ROW_LIMIT - rows.length));
      if (rows.length >= VIEW_ROW_LIMIT) break;
    }
  } else {
    const tally = source.tally();
    let rowCount = 0;
    for await (const batch of reportBatches(prisma, name, query)) {
      for (const row of batch) {
        tally.add(row);
        if (rowCount++ < VIEW_ROW_LIMIT) rows.push(row);
      }
    }
    figures = { summary: tally.result(), rowCount };
  }
  return { report: name, title: REPORTS[name].title, generatedAt: now.toISOString(), rows, rowCount: figures.rowCount, truncated: figures.rowCount > rows.length, summary: figures.summary };
}

export interface ReportFilterOptions {
  models: string[];
  users: string[];
}

/** The values the filter menus offer: models in the fleet, users who requested operations. */
export async function reportFilterOptions(prisma: PrismaClient): Promise<ReportFilterOptions> {
  const [models, users] = await Promise.all([
    prisma.host.findMany({ distinct: ['model'], select: { model: true }, orderBy: { model: 'asc' } }),
    prisma.operation.findMany({ distinct: ['requestedBy'], select: { requestedBy: true }, orderBy: { requestedBy: 'asc' } }),
  ]);
  return { models: models.map((m) => m.model), users: users.map((u) => u.requestedBy) };
}
