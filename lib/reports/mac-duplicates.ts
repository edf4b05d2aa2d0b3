// Duplicate MACs: every VF whose MAC (as its PF driver reports it) another VF in the fleet also
// has. Two VFs with one MAC on a network confuse switches' MAC tables, DHCP and port security;
// nothing in a host's own view shows it, so the fleet is searched. All-zero and unset MACs are not
// duplicates (a VF without a MAC of its own). The ledger says which VF the dashboard gave the MAC.

import { z } from 'zod';
import type { Column } from './columns';
import type { Tally } from './tally';

export const macDuplicatesQuerySchema = z.strictObject({ host: z.string().trim().min(1).max(100).optional() });
export type MacDuplicatesQuery = z.infer<typeof macDuplicatesQuerySchema>;

export type MacDuplicateRow = {
  mac: string;
  host: string;
  pf: string;
  vf: number;
  vfPciAddress: string;
  vm: string | null;
  /** How many VFs in the fleet have this MAC. */
  sharedBy: number;
  /** "this VF", "VF 3 of 0000:12:00.0 on kvm-a02", or "none": whom the dashboard's ledger gave the MAC. */
  ledger: string;
};

export const MAC_DUPLICATE_COLUMNS: Column<MacDuplicateRow>[] = [
  { key: 'mac', header: 'MAC' },
  { key: 'sharedBy', header: 'VFs with it', kind: 'number' },
  { key: 'host', header: 'Host' },
  { key: 'pf', header: 'PF' },
  { key: 'vf', header: 'VF', kind: 'number' },
  { key: 'vfPciAddress', header: 'VF address' },
  { key: 'vm', header: 'VM' },
  { key: 'ledger', header: 'Given by the dashboard to', wrap: true },
];

/** One VF with a MAC others share, and the ledger's holder of that MAC, if any. */
export interface MacHolderRecord {
  mac: string;
  hostName: string;
  pfAddress: string;
  index: number;
  pciAddress: string;
  vm: string | null;
  sharedBy: number;
  ledger: { hostName: string; pfAddress: string; vfIndex: number } | null;
}

export function macDuplicateRow(r: MacHolderRecord): MacDuplicateRow {
  const own = r.ledger && r.ledger.hostName === r.hostName && r.ledger.pfAddress === r.pfAddress && r.ledger.vfIndex === r.index;
  return {
    mac: r.mac,
    host: r.hostName,
    pf: r.pfAddress,
    vf: r.index,
    vfPciAddress: r.pciAddress,
    vm: r.vm,
    sharedBy: r.sharedBy,
    ledger: !r.ledger ? 'none' : own ? 'this VF' : `VF ${r.ledger.vfIndex} of ${r.ledger.pfAddress} on ${r.ledger.hostName}`,
  };
}

export interface MacDuplicatesSummary {
  macs: number;
  vfs: number;
  hosts: number;
  /** VFs that carry a MAC the ledger gave another VF. */
  notTheirs: number;
}

export function macDuplicatesTally(): Tally<MacDuplicateRow, MacDuplicatesSummary> {
  const macs = new Set<string>();
  const hosts = new Set<string>();
  let vfs = 0;
  let notTheirs = 0;
  return {
    add(row) {
      macs.add(row.mac);
      hosts.add(row.host);
      vfs++;
      if (row.ledger !== 'none' && row.ledger !== 'this VF') notTheirs++;
    },
    result: () => ({ macs: macs.size, vfs, hosts: hosts.size, notTheirs }),
  };
}
