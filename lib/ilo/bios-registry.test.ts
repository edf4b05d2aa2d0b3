// BIOS changes checked against registries read from iLO simulators over HTTPS, as the server
// reads them: iLO 5 on Intel, iLO 6 on AMD, iLO 4 (no Dependencies: HPE's known profile locks).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBios, withIlo, type RegistryDigest } from '@/agent/src/redfish';
import { pinnedOptions, startSim } from '@/agent/src/redfish/test/fixtures';
import type { IloSimulator } from '@/agent/src/sim/ilo/index';
import { checkBiosChange } from './bios-registry';

const sims: IloSimulator[] = [];
const digests = new Map<string, RegistryDigest>();

async function digestOf(label: string, options: Parameters<typeof startSim>[0]): Promise<void> {
  const sim = await startSim(options);
  sims.push(sim);
  const report = await withIlo(pinnedOptions(sim), (client) => readBios(client, { includeRegistry: true }));
  digests.set(label, report.registry!);
}

beforeAll(async () => {
  await digestOf('ilo5-intel', { generation: 5, cpu: 'intel' });
  await digestOf('ilo6-amd', { generation: 6, cpu: 'amd' });
  await digestOf('ilo4-intel', { generation: 4, cpu: 'intel' });
});
afterAll(() => Promise.all(sims.map((s) => s.close())));

const digest = (label: string) => digests.get(label)!;

describe('a BIOS change checked against the host’s registry', () => {
  it('keeps only the attributes this server has: IntelProcVtd on Intel, ProcAmdIoVt on AMD', () => {
    const intel = digest('ilo5-intel').attributes.map((a) => a.name);
    const amd = digest('ilo6-amd').attributes.map((a) => a.name);
    expect(intel).toContain('IntelProcVtd');
    expect(intel).not.toContain('ProcAmdIoVt');
    expect(amd).toContain('ProcAmdIoVt');
    expect(amd).not.toContain('IntelProcVtd');
    expect(digest('ilo5-intel').biosVersion).toBeTruthy();
  });

  it('accepts allowed values', () => {
    expect(checkBiosChange(digest('ilo5-intel'), { WorkloadProfile: 'Custom' }, { Sriov: 'Enabled', IntelProcVtd: 'Enabled' })).toEqual([]);
    expect(checkBiosChange(digest('ilo6-amd'), { WorkloadProfile: 'Custom' }, { ProcAmdIoVt: 'Enabled' })).toEqual([]);
  });

  it('names the attribute and the values allowed for a value outside the registry', () => {
    expect(checkBiosChange(digest('ilo5-intel'), {}, { Sriov: 'Bogus' })).toEqual([{ path: 'attributes.Sriov', message: '"Bogus" is not allowed: one of Enabled, Disabled' }]);
    expect(checkBiosChange(digest('ilo5-intel'), {}, { Sriov: 1 })).toEqual([{ path: 'attributes.Sriov', message: '1 is not allowed: one of Enabled, Disabled' }]);
  });

  it('refuses an attribute this server does not have, and read-only ones', () => {
    const [missing] = checkBiosChange(digest('ilo6-amd'), {}, { IntelProcVtd: 'Enabled' });
    expect(missing).toMatchObject({ path: 'attributes.IntelProcVtd', message: expect.stringMatching(/^this server's BIOS has no IntelProcVtd attribute/) });
    expect(checkBiosChange(digest('ilo5-intel'), {}, { RomSelection: 'BackupRom' })).toEqual([{ path: 'attributes.RomSelection', message: 'read-only on this server' }]);
  });

  it('refuses what a workload profile locks, and passes once the same change sets the profile to Custom', () => {
    for (const label of ['ilo5-intel', 'ilo4-intel']) {
      const issues = checkBiosChange(digest(label), { WorkloadProfile: 'I/OThroughput', Sriov: 'Disabled' }, { Sriov: 'Enabled' });
      expect(issues, label).toEqual([{ path: 'attributes.Sriov', message: expect.stringMatching(/^locked: WorkloadProfile is I\/OThroughput, which forces Disabled; set WorkloadProfile to Custom/) }]);
      expect(checkBiosChange(digest(label), { WorkloadProfile: 'I/OThroughput' }, { WorkloadProfile: 'Custom', Sriov: 'Enabled' }), label).toEqual([]);
    }
  });

  it('checks free text against its length', () => {
    expect(checkBiosChange(digest('ilo5-intel'), {}, { ServerAssetTag: 'x'.repeat(40) })).toEqual([{ path: 'attributes.ServerAssetTag', message: `"${'x'.repeat(40)}" is not allowed: text of at most 31 characters` }]);
  });
});
