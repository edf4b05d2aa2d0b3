// What the pages and route handlers ask of the inventory.

import { findFleetHosts, findHostDetail, type HostDetailRecord } from '@/lib/db/hosts';
import { queryFleet, summarizeFleet, toFleetRow, type FleetPage, type FleetQuery, type FleetRow, type FleetSummary } from './fleet';
import { findDrift, type DriftItem } from './drift';
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
  drift: DriftItem[];
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

export async function getHostDetail(id: string): Promise<HostDetail | null> {
  const host = await findHostDetail(id);
  if (!host) return null;
  return {
    ...host,
    biosRead: host.biosRead ? { ...host.biosRead, lastApplyMessages: parseApplyMessages(host.biosRead.lastApplyMessages) } : null,
    readiness: hostReadiness(host),
    fix: hostChangeSet({ ...host, bios: host.biosRead ? host.bios : null }),
    drift: findDrift(host),
  };
}
