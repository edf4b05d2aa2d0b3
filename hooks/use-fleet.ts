'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiSend } from '@/lib/api-client';
import { useSession } from '@/hooks/use-session';
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

/** The same label change on many hosts at once; the fleet is read again after it. */
export function useBulkLabels() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { hostIds: string[]; set?: Record<string, string>; remove?: string[] }) =>
      apiSend<{ hosts: { id: string; name: string; labels: Record<string, string> }[] }>('POST', '/api/labels', input, session?.csrfToken ?? null),
    onSuccess: () => client.invalidateQueries({ queryKey: fleetQueryKeys.all }),
  });
}
