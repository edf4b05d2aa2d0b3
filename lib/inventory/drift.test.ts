import { describe, expect, it } from 'vitest';
import { findDrift, type DriftInput } from './drift';

const vf = (over: Partial<DriftInput['physicalFunctions'][number]['virtualFunctions'][number]> = {}) => ({
  id: 'vf1', index: 1, driver: 'ixgbevf', mac: '52:54:00:00:00:01', vlan: 0, trust: false, spoofchk: true,
  desiredMac: null, desiredVlan: null, desiredTrust: null, desiredSpoofchk: null, desiredDriver: null, assignment: null, ...over,
});
const host = (vfs: ReturnType<typeof vf>[], pf: Partial<DriftInput['physicalFunctions'][number]> = {}, bios: DriftInput['bios'] = []): DriftInput => ({
  bios,
  physicalFunctions: [{ id: 'pf1', pciAddress: '0000:12:00.0', currentVfs: vfs.length, desiredVfs: null, virtualFunctions: vfs, ...pf }],
});

describe('findDrift', () => {
  it('finds nothing when nothing was asked for', () => {
    expect(findDrift(host([vf()]))).toEqual([]);
  });

  it('reports a VF count that differs from the desired one', () => {
    expect(findDrift(host([], { desiredVfs: 8, currentVfs: 2 }))).toEqual([{ targetType: 'pf', targetId: 'pf1', label: '0000:12:00.0', field: 'numVfs', desired: 8, actual: 2 }]);
  });

  it('reports VF settings that differ, MAC case-insensitively', () => {
    const drift = findDrift(host([vf({ desiredMac: '52:54:00:00:00:01'.toUpperCase(), desiredVlan: 100, desiredTrust: true, desiredDriver: 'vfio-pci' })]));
    expect(drift.map((d) => [d.field, d.desired, d.actual])).toEqual([
      ['vlan', 100, 0],
      ['driver', 'vfio-pci', 'ixgbevf'],
      ['trust', true, false],
    ]);
  });

  it('an assigned VF: the MAC and VLAN libvirt set for the VM are desired state, not drift; the driver is libvirt’s', () => {
    const assigned = vf({ mac: '52:54:00:aa:bb:02', vlan: 120, driver: 'vfio-pci', desiredMac: '52:54:00:00:00:09', desiredDriver: 'default', assignment: { mac: '52:54:00:aa:bb:02', vlan: 120 } });
    expect(findDrift(host([assigned]))).toEqual([]);
    const changed = { ...assigned, vlan: 7 };
    expect(findDrift(host([changed])).map((d) => [d.field, d.desired, d.actual])).toEqual([['vlan', 120, 7]]);
  });

  it('BIOS: a desired value pending until the reset is not drift; one that did not stick is', () => {
    expect(findDrift(host([], {}, [{ name: 'Sriov', current: 'Disabled', pending: 'Enabled', desired: 'Enabled' }]))).toEqual([]);
    expect(findDrift(host([], {}, [{ name: 'Sriov', current: 'Disabled', pending: 'Disabled', desired: 'Enabled' }]))).toEqual([
      { targetType: 'bios', targetId: 'Sriov', label: 'BIOS Sriov', field: 'Sriov', desired: 'Enabled', actual: 'Disabled' },
    ]);
  });

  describe('what the guest sees', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    const minutesAgo = (m: number) => new Date(now - m * 60_000);
    const assignedTo = (guest: Partial<NonNullable<ReturnType<typeof vf>['assignment']>>, linkState = 'auto') =>
      vf({
        driver: 'vfio-pci',
        linkState,
        assignment: { mac: null, vlan: null, vm: { name: 'lb-01', state: 'running', guestAgent: 'connected' }, guestSeen: 'not-seen', guestDriver: null, guestLink: null, guestPci: 'no-driver', guestDetail: null, guestNotSeenSince: minutesAgo(5), ...guest },
      });
    const guestDrift = (v: ReturnType<typeof vf>) => findDrift(host([v], { vfDriver: 'iavf' }), now).filter((d) => d.field === 'guest');

    it('a VF its guest has not shown for over 3 minutes is drift, with the likely cause', () => {
      expect(guestDrift(assignedTo({}))).toEqual([
        { targetType: 'vf', targetId: 'vf1', label: 'VF 1 of 0000:12:00.0', field: 'guest', desired: "seen by lb-01's guest", actual: 'not seen for 5 min', cause: 'no guest driver for this VF type: install or load iavf in the guest' },
      ]);
      expect(guestDrift(assignedTo({ guestPci: 'absent' }))[0]?.cause).toMatch(/restart it if the VF was cold-plugged/);
      expect(guestDrift(assignedTo({ guestPci: null }, 'disable'))[0]?.cause).toMatch(/link is down on the PF/);
    });

    it('not yet: a guest still booting, a VF seen, a VM without a guest agent, a VM not running', () => {
      expect(guestDrift(assignedTo({ guestNotSeenSince: minutesAgo(1) }))).toEqual([]);
      expect(guestDrift(assignedTo({ guestSeen: 'seen', guestDriver: 'iavf', guestLink: 'up', guestNotSeenSince: null }))).toEqual([]);
      expect(guestDrift(assignedTo({ vm: { name: 'smf-11', state: 'running', guestAgent: 'not-configured' } }))).toEqual([]);
      expect(guestDrift(assignedTo({ vm: { name: 'lb-01', state: 'shut off', guestAgent: 'connected' } }))).toEqual([]);
    });
  });
});
