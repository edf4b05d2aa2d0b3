// The host-level filters as a pure predicate. The database applies the same filters first (see
// source.ts); this check makes each report function correct on its own and judges readiness,
// which the database cannot.

import { hostReadiness, type HostReadinessFacts, type Readiness } from '@/lib/inventory/readiness';
import { matchesNicModel, matchesVm, type HostFilters } from './filters';

export interface FilterableHost extends HostReadinessFacts {
  name: string;
  model: string;
  generation: string;
  virtualMachines?: { name: string }[];
}

/** The host's readiness when it passes the filters; null when it does not. */
export function readinessIfSelected(host: FilterableHost, filters: HostFilters): Readiness | null {
  if (filters.host && !host.name.toLowerCase().includes(filters.host.toLowerCase())) return null;
  if (filters.generation && host.generation !== filters.generation) return null;
  if (filters.model && host.model !== filters.model) return null;
  if (filters.nicModel && !host.physicalFunctions.some((pf) => matchesNicModel(pf, filters.nicModel))) return null;
  if (filters.vm && host.virtualMachines && !host.virtualMachines.some((vm) => matchesVm(vm.name, filters.vm))) return null;
  const readiness = hostReadiness(host);
  if (filters.readiness && readiness.verdict !== filters.readiness) return null;
  return readiness;
}
