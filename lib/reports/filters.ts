// The filters every host-based report shares (issue 6: generation, model, NIC model, readiness,
// VM, plus a host name search). Host-level filters go to the database; readiness is a judgement
// computed in lib/inventory/readiness.ts, so it is applied to each page of hosts after reading.

import { z } from 'zod';
import { NIC_MODELS, nicModelKeyOf, type NicModelKey } from '@/lib/inventory/nic-catalog';
import { READINESS_VERDICTS } from '@/lib/inventory/readiness';
import { SERVER_GENERATIONS } from '@/lib/inventory/vocabulary';

export const NIC_MODEL_KEYS = Object.keys(NIC_MODELS) as NicModelKey[];

const text = (field: string) => z.string().trim().min(1, `${field}: empty`).max(100, `${field}: at most 100 characters`);

export const hostFilterShape = {
  /** Part of the host name. */
  host: text('host').optional(),
  generation: z.enum(SERVER_GENERATIONS).optional(),
  /** The exact model, e.g. "ProLiant DL380 Gen10". */
  model: text('model').optional(),
  nicModel: z.enum(NIC_MODEL_KEYS as [NicModelKey, ...NicModelKey[]]).optional(),
  readiness: z.enum(READINESS_VERDICTS).optional(),
  /** Part of a VM's name: hosts running such a VM, and in the VM reports only those VMs. */
  vm: text('vm').optional(),
};

export type HostFilters = {
  host?: string;
  generation?: (typeof SERVER_GENERATIONS)[number];
  model?: string;
  nicModel?: NicModelKey;
  readiness?: (typeof READINESS_VERDICTS)[number];
  vm?: string;
};

/** The short name operators use ("560SFP+"), or the PCI function's model name for cards we don't know. */
export function nicModelLabel(pf: { vendorId: string; deviceId: string; modelName: string }): string {
  return nicModelKeyOf(pf.vendorId, pf.deviceId) ?? pf.modelName;
}

export function matchesNicModel(pf: { vendorId: string; deviceId: string }, nicModel: NicModelKey | undefined): boolean {
  return !nicModel || nicModelKeyOf(pf.vendorId, pf.deviceId) === nicModel;
}

export function matchesVm(vmName: string, vm: string | undefined): boolean {
  return !vm || vmName.toLowerCase().includes(vm.toLowerCase());
}

/** -1 is how sysfs says "unknown" (numa_node); treat it like a missing value. */
export function knownNuma(node: number | null | undefined): number | null {
  return node === null || node === undefined || node < 0 ? null : node;
}
