// What the pages and route handlers ask of the inventory.

import 'server-only';
import { findHostDetail, type HostDetailRecord } from '@/lib/db/hosts';
import { prisma } from '@/lib/db/client';
import { RECENT_RESETS, typicalDuration, type TypicalDuration } from '@/lib/operations/durations';
import { GUEST_DRIFT_AFTER_MS } from './guest';
import { fleetOrderBy, fleetRowSelect, fleetWhere, summarizeFleet, toFleetRow, type FleetGroup, type FleetPage, type FleetQuery, type FleetSummary } from './fleet';
import { findDrift, type DriftItem } from './drift';
import { findMacDuplicates } from './mac-duplicates';
import { hostChangeSet, type HostChangeSet } from './change-set';
import { hostReadiness, type Readiness } from './readiness';

/** A page of the fleet: filtered, sorted and paged by the database, on the hosts' stored figures. */
export async function listFleet(query: FleetQuery): Promise<FleetPage> {
  const where = fleetWhere(query);
  const [total, hosts] = await Promise.all([
    prisma.host.count({ where }),
    prisma.host.findMany({ where, orderBy: fleetOrderBy(query), skip: (query.page - 1) * query.pageSize, take: query.pageSize, select: fleetRowSelect }),
  ]);
  return { hosts: hosts.map(toFleetRow), total, page: query.page, pageSize: query.pageSize, pageCount: Math.max(1, Math.ceil(total / query.pageSize)) };
}

/** The summary tiles: one aggregate over the hosts, grouped by verdict and agent status. */
export async function getFleetSummary(now = Date.now()): Promise<FleetSummary> {
  const [groups, guests] = await Promise.all([fleetGroups(), guestCounts(now)]);
  return summarizeFleet(groups, guests);
}

/** VFs assigned to running VMs whose guest answered without them, and those of them drifting (the tiles and /metrics). */
export async function guestCounts(now = Date.now()): Promise<NonNullable<FleetSummary['guests']>> {
  const notSeen = { guestSeen: 'not-seen', vm: { state: 'running' } } as const;
  const [notSeenCount, drifted] = await Promise.all([
    prisma.assignment.count({ where: notSeen }),
    prisma.assignment.count({ where: { ...notSeen, guestNotSeenSince: { lte: new Date(now - GUEST_DRIFT_AFTER_MS) } } }),
  ]);
  return { notSeen: notSeenCount, drifted };
}

/** The hosts and their VF figures by readiness verdict and agent status, added up by the database (the tiles and /metrics). */
export async function fleetGroups(): Promise<FleetGroup[]> {
  const groups = await prisma.host.groupBy({
    by: ['readinessVerdict', 'agentStatus'],
    _count: { _all: true },
    _sum: { vfsEnabled: true, vfsAssigned: true, vfsCapacity: true },
  });
  return groups.map((g) => ({
    verdict: g.readinessVerdict,
    agentStatus: g.agentStatus,
    hosts: g._count._all,
    vfs: { enabled: g._sum.vfsEnabled ?? 0, assigned: g._sum.vfsAssigned ?? 0, capacity: g._sum.vfsCapacity ?? 0 },
  }));
}

/** Every host's id and name, in natural order: the VM list's host filter. */
export function listHostNames(): Promise<{ id: string; name: string }[]> {
  return prisma.host.findMany({ orderBy: [{ nameKey: 'asc' }, { id: 'asc' }], select: { id: true, name: true } });
}

export interface ApplyMessage {
  messageId: string;
  severity: string;
  message: string;
}

export type HostDetail = Omit<HostDetailRecord, 'biosRead'> & {
  readiness: Readiness;
  /** What makes the host SR-IOV ready, as one change set (lib/inventory/change-set.ts): the host page's fix. */
  fix: HostChangeSet;
  /** How long a reset of this host usually takes (its own last resets, else its model's); null before any. */
  typicalReset: TypicalDuration | null;
  drift: DriftItem[];
  /** The host's VFs whose MAC another VF in the fleet also has, and where. */
  duplicateMacs: { mac: string; vf: string; elsewhere: string[] }[];
  biosRead: (Omit<NonNullable<HostDetailRecord['biosRead']>, 'lastApplyMessages'> & { lastApplyMessages: ApplyMessage[] }) | null;
};

function parseApplyMessages(text: string): ApplyMessage[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as ApplyMessage[]) : [];
  } catch {
    return [];
  }
}

/** Successful resets, newest first: this host's, and (when it has none) other hosts' of its model. */
async function typicalReset(hostId: string, model: string): Promise<TypicalDuration | null> {
  const timed = { kind: 'reset-host', status: 'succeeded', startedAt: { not: null }, finishedAt: { not: null } } as const;
  const select = { startedAt: true, finishedAt: true } as const;
  const own = await prisma.operation.findMany({ where: { ...timed, hostId }, orderBy: { finishedAt: 'desc' }, take: RECENT_RESETS.host, select });
  const sameModel = own.length > 0 ? [] : await prisma.operation.findMany({ where: { ...timed, host: { is: { model } } }, orderBy: { finishedAt: 'desc' }, take: RECENT_RESETS.model, select });
  const runs = (rows: typeof own) => rows.flatMap((r) => (r.startedAt && r.finishedAt ? [{ startedAt: r.startedAt, finishedAt: r.finishedAt }] : []));
  return typicalDuration(runs(own), runs(sameModel), model);
}

export async function getHostDetail(id: string): Promise<HostDetail | null> {
  const host = await findHostDetail(id);
  if (!host) return null;
  return {
    typicalReset: await typicalReset(host.id, host.model),
    ...host,
    biosRead: host.biosRead ? { ...host.biosRead, lastApplyMessages: parseApplyMessages(host.biosRead.lastApplyMessages) } : null,
    readiness: hostReadiness(host),
    fix: hostChangeSet({ ...host, bios: host.biosRead ? host.bios : null }),
    drift: findDrift(host),
    duplicateMacs: await hostMacDuplicates(host.id, host.name),
  };
}

async function hostMacDuplicates(hostId: string, hostName: string): Promise<HostDetail['duplicateMacs']> {
  const found = await findMacDuplicates(prisma, { hostId });
  const name = (r: (typeof found)[number]) => `VF ${r.index} of ${r.pfAddress}${r.hostName === hostName ? '' : ` on ${r.hostName}`}${r.vm ? ` (${r.vm})` : ''}`;
  return found
    .filter((r) => r.hostName === hostName)
    .map((mine) => ({ mac: mine.mac, vf: name(mine), elsewhere: found.filter((r) => r.mac === mine.mac && r !== mine).map(name) }));
}
