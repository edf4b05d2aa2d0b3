import { describe, expect, it } from 'vitest';
import { ALLOCATION_COLUMNS, allocationRows, allocationTally, numaPlacement } from './allocation';
import type { AllocationAssignmentRecord } from './records';
import { summarize } from './tally';
import { allocationHost, T0 } from './test-fixtures';

const pf = { pciAddress: '0000:c1:00.0', vendorId: '15b3', deviceId: '1015', modelName: 'HPE 640SFP28', numaNode: 1 };
type GuestRead = AllocationAssignmentRecord['guest'];
const noGuestRead: GuestRead = { seen: null, driver: null, link: null, pci: null, detail: null, notSeenSince: null, expectedDriver: 'mlx5_core' };
const assignment = (index: number, pfNuma: number | null = 1, guest: Partial<GuestRead> = {}): AllocationAssignmentRecord => ({
  mac: `52:54:00:00:00:0${index}`,
  vlan: 200 + index,
  assignedBy: 'demo-seed',
  assignedAt: T0,
  vf: { index, pciAddress: `0000:c1:00.${index + 2}`, mac: null, vlan: null, linkState: 'auto', pf: { ...pf, numaNode: pfNuma } },
  guest: { ...noGuestRead, ...guest },
});
const b01 = allocationHost(
  'kvm-b01',
  [
    { name: 'ran-du-01', state: 'running', numaNode: 1, guestAgent: 'connected', assignments: [assignment(0, 1, { seen: 'seen', driver: 'mlx5_core', link: 'up' }), assignment(1, 1, { seen: 'not-seen', pci: 'no-driver', notSeenSince: new Date(T0.getTime() - 10 * 60_000) })] },
    { name: 'ran-du-02', state: 'running', numaNode: 0, guestAgent: 'not-configured', assignments: [assignment(2, 1, { seen: 'unknown' })] },
    { name: 'odd-01', state: 'paused', numaNode: null, guestAgent: null, assignments: [assignment(3)] },
    { name: 'idle-01', state: 'shut off', numaNode: 0, guestAgent: null, assignments: [] },
  ],
  1,
);

describe('VF allocation report', () => {
  it('flags a VF whose PF is on another NUMA node than its VM', () => {
    expect(numaPlacement(0, 1)).toBe('cross-numa');
    expect(numaPlacement(1, 1)).toBe('same-numa');
    expect(numaPlacement(null, 1)).toBe('unknown');
    // sysfs numa_node is -1 when the platform does not say.
    expect(numaPlacement(0, -1)).toBe('unknown');
  });

  it('lists per VM the VFs it holds, with NIC, NUMA nodes, MAC and VLAN', () => {
    const rows = allocationRows(b01, {});
    expect(rows.map((r) => [r.vm, r.vf, r.placement])).toEqual([
      ['ran-du-01', 0, 'same-numa'],
      ['ran-du-01', 1, 'same-numa'],
      ['ran-du-02', 2, 'cross-numa'],
      ['odd-01', 3, 'unknown'],
    ]);
    expect(rows[2]).toMatchObject({ host: 'kvm-b01', nicModel: '640SFP28', pfNumaNode: 1, vmNumaNode: 0, mac: '52:54:00:00:00:02', vlan: 202 });
    expect(ALLOCATION_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(rows[0] ?? {}).sort());
  });

  it('says in a column what each VM’s guest shows of its VF, with the likely cause of one not seen', () => {
    const rows = allocationRows(b01, {}, T0.getTime());
    expect(rows.map((r) => r.guest)).toEqual(['seen: mlx5_core, link up', 'not seen (drift)', 'no guest agent', 'VM not running']);
    expect(rows[1]?.guestDetail).toMatch(/Likely cause: no guest driver for this VF type: install or load mlx5_core in the guest/);
  });

  it('filters by placement and VM name', () => {
    expect(allocationRows(b01, { placement: 'cross-numa' }).map((r) => r.vm)).toEqual(['ran-du-02']);
    expect(allocationRows(b01, { vm: 'du-01' }).map((r) => r.vf)).toEqual([0, 1]);
    expect(allocationRows(b01, { nicModel: '560SFP+' })).toEqual([]);
  });

  it('counts VMs, VFs and cross-NUMA placements', () => {
    const summary = summarize(allocationTally(), allocationRows(b01, {}));
    expect(summary).toMatchObject({ hosts: 1, vms: 3, vfs: 4, crossNumaVfs: 1, crossNumaVms: 1, unknownPlacementVfs: 1 });
    expect(summary.byHost).toEqual([{ host: 'kvm-b01', sameNuma: 2, crossNuma: 1, unknown: 1 }]);
  });
});
