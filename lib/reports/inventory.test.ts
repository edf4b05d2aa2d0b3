import { describe, expect, it } from 'vitest';
import { inventoryFigures, inventoryRows, inventoryTally, INVENTORY_COLUMNS, type InventoryQuery, type InventoryRow } from './inventory';
import type { InventoryHostRecord } from './records';
import { summarize } from './tally';
import { basePf, inventoryHost, vf } from './test-fixtures';

const a01 = inventoryHost('kvm-a01', [
  { ...basePf('0000:12:00.0', 0, 3), netdev: 'ens1f0', slot: 'NIC.Slot.1.1', virtualFunctions: [vf(0, { name: 'vnf-fw-01', numaNode: 0 }), vf(1), vf(2, { name: 'upf-01', numaNode: 1 })] },
  { ...basePf('0000:12:00.1', 0, 0), netdev: 'ens1f1', slot: 'NIC.Slot.1.2', virtualFunctions: [] },
]);
const unseen = { ...inventoryHost('kvm-d03', []), observedAt: null, iommuActive: null, kvmLoaded: null, vfioPciLoaded: null };

describe('inventory report', () => {
  it('writes a row per VF, and one for a PF without VFs', () => {
    const rows = inventoryRows(a01, {});
    expect(rows.map((r) => [r.pf, r.vf, r.vm])).toEqual([
      ['0000:12:00.0', 0, 'vnf-fw-01'],
      ['0000:12:00.0', 1, null],
      ['0000:12:00.0', 2, 'upf-01'],
      ['0000:12:00.1', null, null],
    ]);
    expect(rows[0]).toMatchObject({ host: 'kvm-a01', nicModel: '560SFP+', readiness: 'ready', vfDriver: 'vfio-pci', vlan: 100, assignedBy: 'alice' });
  });

  it('keeps a host whose agent has not reported, with empty PF and VF columns', () => {
    const [row, ...rest] = inventoryRows(unseen, {});
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ host: 'kvm-d03', readiness: 'unknown', observedAt: null, pf: null, vf: null });
  });

  it('narrows to the VFs a VM holds, and to a NIC model', () => {
    expect(inventoryRows(a01, { vm: 'UPF' }).map((r) => r.vf)).toEqual([2]);
    expect(inventoryRows(a01, { nicModel: 'E810' })).toEqual([]);
    expect(inventoryRows(unseen, { vm: 'upf' })).toEqual([]);
    expect(inventoryRows(a01, { readiness: 'not-ready' })).toEqual([]);
    expect(inventoryRows(a01, { generation: 'Gen10', host: 'a01' })).toHaveLength(4);
  });

  it('adds up hosts, PFs, VFs and assignments per NIC model', () => {
    const rows: InventoryRow[] = [...inventoryRows(a01, {}), ...inventoryRows(unseen, {})];
    expect(summarize(inventoryTally(), rows)).toEqual({
      hosts: 2,
      pfs: 2,
      sriovPfs: 2,
      vfs: 3,
      assigned: 2,
      vfioBound: 2,
      byNicModel: [{ nicModel: '560SFP+', pfs: 2, vfs: 3, assigned: 2, free: 1 }],
      observed: { oldest: '2026-11-24T10:00:00.000Z', newest: '2026-11-24T10:00:00.000Z', neverReported: 1 },
    });
    expect(summarize(inventoryTally(), [])).toMatchObject({ hosts: 0, vfs: 0, byNicModel: [], observed: { oldest: null, newest: null } });
  });

  it('gives the page the same figures and row count from per-PF counts as from the rows', () => {
    const b02 = inventoryHost('kvm-b02', [{ ...basePf('0000:5d:00.0', 1, 2), netdev: 'ens2f0', slot: null, totalVfs: 0, virtualFunctions: [vf(0, { name: 'upf-02', numaNode: 1 }), vf(1)] }]);
    const hosts = [a01, unseen, b02];
    // What the database counts per PF: the PF's VFs narrowed to the VM filter, as inventory-sql.ts does.
    const countsOf = (query: InventoryQuery) => (pf: InventoryHostRecord['physicalFunctions'][number]) => {
      const vfs = pf.virtualFunctions.filter((v) => !query.vm || (v.vm !== null && v.vm.toLowerCase().includes(query.vm.toLowerCase())));
      return { vfs: vfs.length, assigned: vfs.filter((v) => v.vm !== null).length, vfioBound: vfs.filter((v) => v.driver === 'vfio-pci').length };
    };
    for (const query of [{}, { vm: 'upf' }, { vm: 'nothing' }, { nicModel: '560SFP+' }, { readiness: 'unknown' }, { host: 'b02' }] as InventoryQuery[]) {
      const rows = hosts.flatMap((h) => inventoryRows(h, query));
      const figures = inventoryFigures();
      for (const h of hosts) figures.addHost(h, countsOf(query), query);
      expect({ query, rowCount: figures.rowCount(), summary: figures.result() }).toEqual({ query, rowCount: rows.length, summary: summarize(inventoryTally(), rows) });
    }
  });

  it('has a column for every field of a row', () => {
    expect(INVENTORY_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(inventoryRows(a01, {})[0] ?? {}).sort());
  });
});
