// The built-in SR-IOV baseline, as a policy: what every host needs before any VF can go to a VM —
// BIOS SR-IOV, the IOMMU (IntelProcVtd on Intel, ProcAmdIoVt on AMD) and VT-x enabled, the
// IOMMU kernel arguments, vfio-pci loaded (SRIOV-FACTS.md sections 1 and 5). The compliance report
// judges every host against it with the policy engine (plan.ts, verdict.ts), so the report, a
// policy's page and a plan say the same things in the same words.
//
// Built in, not a stored row: nobody edits it, it has no versions, and it is evaluated on its own,
// never with the fleet's policies (it would overlap every one of them at priority 0). Teams that
// want more, or less, write a policy; this document is where to start. Pure.

import { policyDocumentSchema } from './document';
import type { PlanPolicy } from './plan';

export const BASELINE_DOCUMENT = policyDocumentSchema.parse({
  selector: { names: ['*'] },
  bios: { Sriov: 'Enabled', IOMMU: 'Enabled', ProcVirtualization: 'Enabled' },
  os: { iommuKernelArgs: true, vfioAtBoot: true },
});

export const BASELINE_POLICY: PlanPolicy = { id: 'builtin-sriov-baseline', name: 'sriov-baseline', version: 1, document: BASELINE_DOCUMENT };
