'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiSend } from '@/lib/api-client';
import { useSession } from '@/hooks/use-session';
import type { RolloutListRow, RolloutView } from '@/lib/rollouts/view';

export const rolloutKeys = { all: ['rollouts'] as const, one: (id: string) => ['rollouts', id] as const };

export function useRollouts() {
  return useQuery({ queryKey: rolloutKeys.all, queryFn: ({ signal }) => apiGet<{ rollouts: RolloutListRow[] }>('/api/rollouts', signal), refetchInterval: 5_000 });
}

/** One rollout, followed every second until it has finished. */
export function useRollout(id: string) {
  return useQuery({
    queryKey: rolloutKeys.one(id),
    queryFn: ({ signal }) => apiGet<RolloutView>(`/api/rollouts/${id}`, signal),
    refetchInterval: (query) => (query.state.data?.finishedAt ? false : 1_000),
  });
}

export function useSteerRollout(id: string) {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => apiSend<{ id: string; status: string }>('POST', `/api/rollouts/${id}/${action}`, undefined, session?.csrfToken ?? null),
    onSettled: () => client.invalidateQueries({ queryKey: rolloutKeys.all }),
  });
}
