// The host-level filters as a pure predicate. The database applies the same filters first (see
// source.ts); this check makes each report function correct on its own and judges readiness,
// which the database cannot.

import { hostReadiness, type HostReadinessFacts, type Readiness } from '@/lib/inventory/readiness';
import { matchesNicModel, matchesVm, type HostFilters } from './filters';

interface ListedHost {
  name: string;
  model: string;
  generation: string;
  physicalFunctions: { vendorId: string; deviceId: string }[];
  virtualMachines?: { name: string }[];
}

export interface FilterableHost extends HostReadinessFacts, ListedHost {
  physicalFunctions: HostReadinessFacts['physicalFunctions'];
}

function passesHostFilters(host: ListedHost, filters: HostFilters): boolean {
  if (filters.host && !host.name.toLowerCase().includes(filters.host.toLowerCase())) return false;
  if (filters.generation && host.generation !== filters.generation) return false;
  if (filters.model && host.model !== filters.model) return false;
  if (filters.nicModel && !host.physicalFunctions.some((pf) => matchesNicModel(pf, filters.nicModel))) return false;
  if (filters.vm && host.virtualMachines && !host.virtualMachines.some((vm) => matchesVm(vm.name, filters.vm))) return false;
  return true;
}

/** For the reports that show no readiness: the filters, readiness judged by the verdict stored on the host's row. */
export function selectedByStoredVerdict(host: ListedHost & { readinessVerdict: string }, filters: HostFilters): boolean {
  return passesHostFilters(host, filters) && (!filters.readiness || host.readinessVerdict === filters.readiness);
}

/** The host's readiness when it passes the filters; null when it does not. */
export function readinessIfSelected(host: FilterableHost, filters: HostFilters): Readiness | null {
  if (!passesHostFilters(host, filters)) return null;
  const readiness = hostReadiness(host);
  if (filters.readiness && readiness.verdict !== filters.readiness) return null;
  return readiness;
}
