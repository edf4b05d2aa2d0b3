// What the pages and route handlers ask of the inventory.

import 'server-only';
import { findFleetHosts, findHostDetail, type HostDetailRecord } from '@/lib/db/hosts';
import { prisma } from '@/lib/db/client';
import { RECENT_RESETS, typicalDuration, type TypicalDuration } from '@/lib/operations/durations';
import { queryFleet, summarizeFleet, toFleetRow, type FleetPage, type FleetQuery, type FleetRow, type FleetSummary } from './fleet';
import { findDrift, type DriftItem } from './drift';
import { findMacDuplicates } from './mac-duplicates';
import { hostChangeSet, type HostChangeSet } from './change-set';
import { hostReadiness, type Readiness } from './readiness';

/** Every host as a fleet row, judged: one read of the inventory for a page and its summary. */
export async function loadFleetRows(): Promise<FleetRow[]> {
  return (await findFleetHosts()).map(toFleetRow);
}

export async function listFleet(query: FleetQuery): Promise<FleetPage> {
  return queryFleet(await loadFleetRows(), query);
}

export async function getFleetSummary(): Promise<FleetSummary> {
  return summarizeFleet(await loadFleetRows());
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
