import { describe, expect, it } from 'vitest';
import { describeOperation } from './kinds';
import { canStart } from './worker';
import { assignSchema, biosChangeSchema, vfSettingsSchema } from './requests';

describe('which operations may run together', () => {
  const pfA = { id: '1', kind: 'set-vf', lane: 'pf:a', hostId: 'h1' };
  const pfB = { id: '2', kind: 'assign-vf', lane: 'pf:b', hostId: 'h1' };
  const hostOp = { id: '3', kind: 'reset-host', lane: 'host:h1', hostId: 'h1' };
  const otherHost = { id: '4', kind: 'set-vf-count', lane: 'pf:c', hostId: 'h2' };

  it('one at a time per PF, PFs of a host in parallel', () => {
    expect(canStart({ ...pfA, id: '9' }, [pfA])).toBe(false);
    expect(canStart(pfB, [pfA])).toBe(true);
    expect(canStart(otherHost, [pfA, hostOp])).toBe(true);
  });

  it('a host operation (BIOS, power) waits for the host’s PF operations and blocks them', () => {
    expect(canStart(hostOp, [pfA])).toBe(false);
    expect(canStart(pfA, [hostOp])).toBe(false);
  });
});

describe('request bodies', () => {
  it('a MAC must be unicast and not zero; a VLAN within 1..4094 for an assignment', () => {
    expect(assignSchema.safeParse({ vmId: 'vm1', mac: '01:00:5e:00:00:01' }).error?.issues[0]).toMatchObject({ path: ['mac'], message: expect.stringContaining('unicast') });
    expect(assignSchema.safeParse({ vmId: 'vm1', mac: '00:00:00:00:00:00' }).success).toBe(false);
    expect(assignSchema.safeParse({ vmId: 'vm1', vlan: 0 }).error?.issues[0]?.path).toEqual(['vlan']);
    expect(assignSchema.parse({ vmId: 'vm1', mac: '52:54:00:AA:BB:CC', vlan: 100 })).toEqual({ vmId: 'vm1', mac: '52:54:00:aa:bb:cc', vlan: 100 });
  });

  it('VF settings: at least one, and no unknown field', () => {
    expect(vfSettingsSchema.safeParse({}).success).toBe(false);
    expect(vfSettingsSchema.safeParse({ colour: 'red' }).success).toBe(false);
    expect(vfSettingsSchema.parse({ trust: true })).toEqual({ trust: true });
  });

  it('BIOS changes name only the attributes SR-IOV depends on', () => {
    expect(biosChangeSchema.safeParse({ attributes: { BootMode: 'Uefi' } }).success).toBe(false);
    expect(biosChangeSchema.parse({ attributes: { Sriov: 'Enabled' } })).toEqual({ attributes: { Sriov: 'Enabled' } });
  });
});

describe('operation descriptions', () => {
  it('say what happens to what, in words for the timeline', () => {
    expect(describeOperation('assign-vf', { pfAddress: '0000:12:00.0', vfAddress: '0000:12:10.4', index: 2, vmId: 'x', vmName: 'vnf-fw-01', vlan: 120 }, 'kvm-a01').summary).toBe(
      'Assign VF 2 of 0000:12:00.0 to vnf-fw-01 (VLAN 120)',
    );
    expect(describeOperation('reset-host', { resetType: 'GracefulRestart', vmsGoingDown: ['vm-a', 'vm-b'] }, 'kvm-a04').summary).toBe(
      'Graceful restart of kvm-a04 through the iLO (VMs going down: vm-a, vm-b)',
    );
  });
});
