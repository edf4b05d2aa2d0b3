'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiGet } from '@/lib/api-client';
import { hostQueryKeys, vmSearchParams, type VmFilter } from '@/lib/inventory/host-view';
import type { VmPage } from '@/lib/inventory/vms';

export function useVms(filter: VmFilter) {
  const query = vmSearchParams(filter).toString();
  return useQuery({
    queryKey: hostQueryKeys.vms(filter),
    queryFn: ({ signal }) => apiGet<VmPage>(`/api/vms${query ? `?${query}` : ''}`, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}
