// What a policy asks of the hosts it selects, as operators write it (and keep it in git):
//
// {
//   "selector": { "labels": { "role": "kvm" }, "generations": ["Gen10"] },
//   "priority": 10,
//   "bios": { "Sriov": "Enabled", "IOMMU": "Enabled", "ProcVirtualization": "Enabled" },
//   "os": { "iommuKernelArgs": true, "vfioAtBoot": true },
//   "nics": [
//     { "match": { "nicModel": "560SFP+" }, "numVfs": 8, "driver": "vfio-pci", "vfDefaults": { "trust": false, "spoofchk": true } },
//     { "match": { "pfName": "ens2f*" }, "numVfs": "max", "macs": "stable" }
//   ],
//   "autoRemediate": false
// }
//
// "IOMMU" stands for the CPU vendor's attribute: IntelProcVtd on Intel, ProcAmdIoVt on AMD. A NIC
// rule matches a PF by NIC model, PCI ids ("8086:10fb") or PF name glob; the first rule that
// matches a PF applies to it. "macs": "stable" gives each free VF its own MAC from the fleet's MAC
// ledger (lib/inventory/mac-allocator.ts: locally administered, derived from the server's serial
// number, the PF and the VF index, unique in the fleet), which the agent keeps across reboots. Pure (zod only): the policy form validates with it in the browser.

import { z } from 'zod';
import { NIC_MODELS, type NicModelKey } from '@/lib/inventory/nic-catalog';
import { selectorSchema } from './selector';

/** The pseudo-attribute a policy writes for "the IOMMU in BIOS", whatever the CPU. */
export const IOMMU_ATTRIBUTE = 'IOMMU';
export const BIOS_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const NIC_KEYS = Object.keys(NIC_MODELS) as [NicModelKey, ...NicModelKey[]];

export const MAX_PRIORITY = 1000;

const nicMatchSchema = z
  .strictObject({
    nicModel: z.enum(NIC_KEYS).optional(),
    pciIds: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, 'vendor:device in lower-case hex, like 8086:10fb').optional(),
    pfName: z.string().regex(/^[A-Za-z0-9.*?_-]{1,32}$/, 'a PF name or a glob with * and ? ("ens1f*")').optional(),
  })
  .refine((m) => Object.values(m).filter((v) => v !== undefined).length === 1, 'give exactly one of nicModel, pciIds or pfName');

export const vfDefaultsSchema = z
  .strictObject({
    trust: z.boolean().optional(),
    spoofchk: z.boolean().optional(),
    linkState: z.enum(['auto', 'enable', 'disable']).optional(),
    maxTxRate: z.number().int('a whole number of Mbit/s').min(0).max(400_000).optional(),
  })
  .refine((d) => Object.keys(d).length > 0, 'give at least one of trust, spoofchk, linkState or maxTxRate (or leave vfDefaults out)');
export type VfDefaults = z.infer<typeof vfDefaultsSchema>;

export const nicRuleSchema = z
  .strictObject({
    match: nicMatchSchema,
    numVfs: z.union([z.number().int('a whole number').min(0).max(1024), z.literal('max')], { error: 'a whole number of VFs from 0 to 1024, or "max"' }).optional(),
    driver: z.enum(['vfio-pci', 'default']).optional(),
    vfDefaults: vfDefaultsSchema.optional(),
    macs: z.literal('stable', { error: '"stable" (each VF its own MAC from the fleet\'s ledger), or leave macs out' }).optional(),
  })
  .refine((r) => r.numVfs !== undefined || r.driver !== undefined || r.vfDefaults !== undefined || r.macs !== undefined, 'a NIC rule sets at least one of numVfs, driver, vfDefaults or macs');
export type NicRule = z.infer<typeof nicRuleSchema>;

export const policyDocumentSchema = z
  .strictObject({
    selector: selectorSchema,
    priority: z.number().int('a whole number').min(0).max(MAX_PRIORITY).default(0),
    bios: z
      .record(z.string().regex(BIOS_NAME, 'a BIOS attribute name (letters, digits, _), or IOMMU'), z.union([z.string().min(1).max(64), z.number().int()]))
      .refine((b) => Object.keys(b).length <= 50, 'at most 50 attributes')
      .optional(),
    os: z
      .strictObject({ iommuKernelArgs: z.boolean().optional(), vfioAtBoot: z.boolean().optional() })
      .refine((o) => Object.keys(o).length > 0, 'give iommuKernelArgs, vfioAtBoot or both (or leave os out)')
      .optional(),
    nics: z.array(nicRuleSchema).max(20, 'at most 20 NIC rules').optional(),
    autoRemediate: z.boolean().default(false),
  })
  .refine((d) => d.bios !== undefined || d.os !== undefined || (d.nics?.length ?? 0) > 0, { message: 'a policy sets at least one of bios, os or nics' });
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** The policy's BIOS values for one server: IOMMU becomes the CPU vendor's attribute. */
export function biosFor(document: PolicyDocument, cpuVendor: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(document.bios ?? {})) {
    out[name === IOMMU_ATTRIBUTE ? (cpuVendor === 'AMD' ? 'ProcAmdIoVt' : 'IntelProcVtd') : name] = value;
  }
  return out;
}
