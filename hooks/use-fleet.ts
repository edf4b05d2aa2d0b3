'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiGet } from '@/lib/api-client';
import type { FleetPage, FleetQuery, FleetSummary } from '@/lib/inventory/fleet';
import { fleetQueryKeys, fleetSearchParams } from '@/lib/inventory/fleet-params';

export function useFleetHosts(query: FleetQuery) {
  return useQuery({
    queryKey: fleetQueryKeys.hosts(query),
    queryFn: ({ signal }) => apiGet<FleetPage>(`/api/hosts?${fleetSearchParams(query)}`, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

export function useFleetSummary() {
  return useQuery({
    queryKey: fleetQueryKeys.summary,
    queryFn: ({ signal }) => apiGet<FleetSummary>('/api/fleet/summary', signal),
    refetchInterval: 15_000,
  });
}
