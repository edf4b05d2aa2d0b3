import { describe, expect, it } from 'vitest';
import { auditActionGroup, auditActionWords, auditDiff, auditNote, auditTargetWords } from './audit-words';

const assign = { kind: 'assign-vf', params: JSON.stringify({ pfAddress: '0000:31:00.0', vfAddress: '0000:31:01.3', index: 3, vmId: 'vm1', vmName: 'web-01' }) };

describe('audit targets in words', () => {
  it('names a VF by its index, PF and host, from the operation even after the VF row is gone', () => {
    expect(auditTargetWords({ targetType: 'vf', targetId: 'cmx5gze6', hostName: 'kvm-a04', operation: assign })).toBe('VF 3 of 0000:31:00.0 on kvm-a04');
    expect(auditTargetWords({ targetType: 'vf', targetId: 'cmx5gze6', hostName: 'kvm-a04', vf: { index: 5, pfAddress: '0000:31:00.1' } })).toBe('VF 5 of 0000:31:00.1 on kvm-a04');
    expect(auditTargetWords({ targetType: 'vf', targetId: 'cmx5gze6', hostName: 'kvm-a04' })).toBe('a VF since removed on kvm-a04');
  });

  it('names PFs, BIOS, users and tokens, never by internal id', () => {
    expect(auditTargetWords({ targetType: 'pf', targetId: 'x', hostName: 'kvm-a04', operation: { kind: 'set-vf-count', params: '{"pfAddress":"0000:31:00.0","numVfs":8}' } })).toBe('PF 0000:31:00.0 on kvm-a04');
    expect(auditTargetWords({ targetType: 'host', targetId: 'x', hostName: 'kvm-a04', operation: { kind: 'set-bios', params: '{}' } })).toBe('BIOS of kvm-a04');
    expect(auditTargetWords({ targetType: 'user', targetId: 'cuid123', hostName: null, userName: 'alice' })).toBe('user alice');
    expect(auditTargetWords({ targetType: 'api-token', targetId: 'cuid123', hostName: null, tokenName: 'ci' })).toBe('API token “ci”');
  });
});

describe('audit actions', () => {
  it('reads an operation stage as the kind in words and an outcome', () => {
    expect(auditActionWords('assign-vf.succeeded')).toEqual({ label: 'Assign VF', outcome: 'succeeded' });
    expect(auditActionWords('set-vf-count.requested')).toEqual({ label: 'Set VF count', outcome: 'requested' });
    expect(auditActionWords('denied')).toEqual({ label: 'Refused', outcome: 'refused' });
    expect(auditActionWords('login-failed')).toEqual({ label: 'Sign-in failed', outcome: 'failed' });
  });

  it('groups what people search for: a kind matches every stage of it', () => {
    expect(auditActionGroup('assign-vf')).toMatchObject({ prefix: 'assign-vf.' });
    expect(auditActionGroup('sign-in')?.actions).toEqual(expect.arrayContaining(['login', 'login-failed', 'logout']));
    expect(auditActionGroup('login-failed')).toBeUndefined();
  });
});

describe('audit diff', () => {
  it('lists only the fields that changed, old → new', () => {
    const before = JSON.stringify({ driver: 'iavf', mac: '00:00:00:00:00:00', vlan: null, trust: false, spoofchk: true, vm: null });
    const after = JSON.stringify({ driver: 'vfio-pci', mac: '02:1a:2b:3c:4d:5e', vlan: 204, trust: false, spoofchk: true, vm: 'web-01' });
    expect(auditDiff(before, after)).toEqual([
      { field: 'driver', before: 'iavf', after: 'vfio-pci' },
      { field: 'MAC', before: '00:00:00:00:00:00', after: '02:1a:2b:3c:4d:5e' },
      { field: 'VLAN', before: null, after: '204' },
      { field: 'VM', before: null, after: 'web-01' },
    ]);
  });

  it('flattens BIOS attributes and shows a command line as the words added', () => {
    expect(auditDiff('{"Sriov":{"current":"Disabled","pending":null}}', '{"Sriov":{"current":"Disabled","pending":"Enabled"}}')).toEqual([{ field: 'Sriov pending', before: null, after: 'Enabled' }]);
    expect(auditDiff('{"kernelCmdline":"ro quiet"}', '{"kernelCmdline":"ro quiet intel_iommu=on iommu=pt"}')).toEqual([{ field: 'kernel command line', before: null, after: '+ intel_iommu=on iommu=pt' }]);
  });

  it('shortens boot ids and leaves the error to the note', () => {
    expect(auditDiff('{"bootId":"0d6c1a3e-1111-4222-8333-444455556666"}', '{"bootId":"7f00aa3e-1111-4222-8333-444455556666"}')).toEqual([{ field: 'boot id', before: '0d6c1a3e…', after: '7f00aa3e…' }]);
    expect(auditDiff('{"vm":null}', '{"error":"Agent: busy"}')).toEqual([]);
    expect(auditNote('assign-vf.failed', assign, 'kvm-a04', '{"error":"Agent: busy"}')).toBe('Agent: busy');
  });

  it('says what a request asked for and why a refusal was given', () => {
    expect(auditNote('assign-vf.requested', assign, 'kvm-a04', '{}')).toBe('Assign VF 3 of 0000:31:00.0 to web-01');
    expect(auditNote('denied', null, null, '{"permission":"audit:read","role":"viewer"}')).toBe('A viewer may not read the audit log.');
  });
});
