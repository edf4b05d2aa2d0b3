// The fleet view's figures for each host (readiness verdict and links, PF/VF/VM counts, sort keys),
// stored on the host row so the fleet page filters, sorts and pages in SQL. Refreshed from the
// host's facts in the same transaction that writes them: a sync, a BIOS read, registration, the
// demo seed. FLEET_FACTS_VERSION names the rules that computed a row; bump it when readiness or
// these figures change meaning, and rows computed by an older version are redone at start.

import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { fleetHostSelect, type FleetHostRecord } from '@/lib/db/hosts';
import { hostReadiness, type ReadinessVerdict } from './readiness';
import { SERVER_GENERATIONS } from './vocabulary';

export const FLEET_FACTS_VERSION = 1;

type Db = PrismaClient | Prisma.TransactionClient;

/** Worst first when ascending: hosts that need action, then those not known yet, then ready ones. */
export const VERDICT_RANK: Record<ReadinessVerdict, number> = { 'not-ready': 0, unknown: 1, ready: 2 };

/** "kvm-A2" → "kvm-a0000000002": plain SQL order of these keys is the natural order of the names. */
export function naturalKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, '').padStart(10, '0'));
}

export type FleetFacts = Pick<
  Prisma.HostUncheckedUpdateInput,
  | 'readinessVerdict'
  | 'readinessRank'
  | 'readinessLinks'
  | 'pfCount'
  | 'pfSriovCapable'
  | 'vfsEnabled'
  | 'vfsAssigned'
  | 'vfsCapacity'
  | 'vmCount'
  | 'nameKey'
  | 'generationRank'
  | 'factsVersion'
>;

export function fleetFactsOf(host: FleetHostRecord): FleetFacts {
  const readiness = hostReadiness(host);
  return {
    readinessVerdict: readiness.verdict,
    readinessRank: VERDICT_RANK[readiness.verdict] * 10 + readiness.links.filter((l) => l.status === 'ok').length,
    readinessLinks: JSON.stringify(readiness.links),
    pfCount: host.physicalFunctions.length,
    pfSriovCapable: host.physicalFunctions.filter((pf) => pf.totalVfs > 0).length,
    vfsEnabled: host.physicalFunctions.reduce((n, pf) => n + pf.currentVfs, 0),
    vfsAssigned: host._count.assignments,
    vfsCapacity: host.physicalFunctions.reduce((n, pf) => n + pf.totalVfs, 0),
    vmCount: host._count.virtualMachines,
    nameKey: naturalKey(host.name),
    generationRank: (SERVER_GENERATIONS as readonly string[]).indexOf(host.generation),
    factsVersion: FLEET_FACTS_VERSION,
  };
}

const CHUNK = 200;

/** Recomputes the stored figures of these hosts from their facts as the database holds them now. */
export async function refreshFleetFacts(db: Db, hostIds: string[]): Promise<void> {
  for (let i = 0; i < hostIds.length; i += CHUNK) {
    const hosts = await db.host.findMany({ where: { id: { in: hostIds.slice(i, i + CHUNK) } }, select: fleetHostSelect });
    for (const host of hosts) await db.host.update({ where: { id: host.id }, data: fleetFactsOf(host) });
  }
}

/** Hosts whose figures older rules computed (or none yet, after the migration that added them): redone. */
export async function refreshStaleFleetFacts(db: PrismaClient): Promise<number> {
  const stale = await db.host.findMany({ where: { factsVersion: { lt: FLEET_FACTS_VERSION } }, select: { id: true } });
  for (let i = 0; i < stale.length; i += CHUNK) {
    const ids = stale.slice(i, i + CHUNK).map((h) => h.id);
    await db.$transaction((tx) => refreshFleetFacts(tx, ids));
  }
  return stale.length;
}
