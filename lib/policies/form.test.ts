import { describe, expect, it } from 'vitest';
import { policyDocumentSchema } from './document';
import { documentOf, EMPTY_FIELDS, EMPTY_NIC_RULE, formOf, selectorOf } from './form';

describe('the policy form', () => {
  it('turns its fields into the document the server checks, and a saved document back into the same fields', () => {
    const fields = {
      ...EMPTY_FIELDS,
      priority: '20',
      names: 'kvm-a*, kvm-b01',
      labels: 'role=kvm, gpu',
      generations: ['Gen10'],
      nics: [{ ...EMPTY_NIC_RULE, matchValue: '560SFP+', numVfs: '8', driver: 'vfio-pci' as const, trust: 'off' as const, maxTxRate: '1000' }, { ...EMPTY_NIC_RULE, matchKind: 'pfName' as const, matchValue: 'ens2f*', numVfs: 'max', stableMacs: true }],
    };
    const document = policyDocumentSchema.parse(documentOf(fields));
    expect(document).toEqual({
      selector: { labels: { role: 'kvm', gpu: '*' }, names: ['kvm-a*', 'kvm-b01'], generations: ['Gen10'] },
      priority: 20,
      bios: { Sriov: 'Enabled', IOMMU: 'Enabled' },
      os: { iommuKernelArgs: true, vfioAtBoot: true },
      nics: [
        { match: { nicModel: '560SFP+' }, numVfs: 8, driver: 'vfio-pci', vfDefaults: { trust: false, maxTxRate: 1000 } },
        { match: { pfName: 'ens2f*' }, numVfs: 'max', macs: 'stable' },
      ],
      autoRemediate: false,
    });
    expect(policyDocumentSchema.parse(documentOf(formOf(document)))).toEqual(document);
  });

  it('keeps what was typed wrong for the schema to name, rather than dropping it', () => {
    const result = policyDocumentSchema.safeParse(documentOf({ ...EMPTY_FIELDS, names: 'kvm-*', priority: 'ten', nics: [{ ...EMPTY_NIC_RULE, matchValue: '560SFP+', numVfs: '1.5' }] }));
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['priority', 'nics.0.numVfs']));
  });

  it('an empty selector is empty, so the schema asks for a criterion', () => {
    expect(selectorOf(EMPTY_FIELDS)).toEqual({});
  });
});
