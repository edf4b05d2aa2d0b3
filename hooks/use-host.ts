'use client';

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useSession } from '@/hooks/use-session';
import { apiGet, apiSend } from '@/lib/api-client';
import { hostPollInterval, hostQueryKeys, isActive, type HostView } from '@/lib/inventory/host-view';
import type { OperationView } from '@/lib/operations/kinds';

interface OperationList {
  operations: OperationView[];
}

/** Both of a host's queries poll at the pace its operations call for (2 s while something changes). */
function usePollInterval(id: string) {
  const queryClient = useQueryClient();
  return useCallback(
    () => hostPollInterval(queryClient.getQueryData<HostView>(hostQueryKeys.host(id)), queryClient.getQueryData<OperationList>(hostQueryKeys.operations(id))?.operations),
    [queryClient, id],
  );
}

export function useHost(id: string) {
  const refetchInterval = usePollInterval(id);
  return useQuery({
    queryKey: hostQueryKeys.host(id),
    queryFn: ({ signal }) => apiGet<HostView>(`/api/hosts/${id}`, signal),
    refetchInterval,
  });
}

/** An operation that ended (or ended unseen) since the last read: the host's facts changed with it. */
function somethingFinished(before: OperationList | undefined, after: OperationList): boolean {
  if (!before) return false;
  const previous = new Map(before.operations.map((op) => [op.id, op]));
  return after.operations.some((op) => {
    if (isActive(op)) return false;
    const was = previous.get(op.id);
    return was === undefined || isActive(was);
  });
}

export function useHostOperations(id: string) {
  const queryClient = useQueryClient();
  const refetchInterval = usePollInterval(id);
  return useQuery({
    queryKey: hostQueryKeys.operations(id),
    queryFn: async ({ signal }) => {
      const before = queryClient.getQueryData<OperationList>(hostQueryKeys.operations(id));
      const after = await apiGet<OperationList>(`/api/hosts/${id}/operations`, signal);
      // Re-read the host now rather than at its next tick, so a VF goes from "in progress" to
      // "assigned to …" without showing its old state in between.
      if (somethingFinished(before, after)) void queryClient.invalidateQueries({ queryKey: hostQueryKeys.host(id), exact: true });
      return after;
    },
    refetchInterval,
  });
}

/** Shows a queued operation at once (its VF turns "in progress"), before the next poll. */
function addOperation(queryClient: QueryClient, hostId: string, operation: OperationView) {
  queryClient.setQueryData<OperationList>(hostQueryKeys.operations(hostId), (list) => ({
    operations: [operation, ...(list?.operations ?? []).filter((op) => op.id !== operation.id)],
  }));
}

type Method = 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A change to the host or its VFs: queued as an operation (202), then both queries read again. */
function useHostChange<I, O = { operation: OperationView }>(hostId: string, method: Method, path: (input: I) => string, body: (input: I) => unknown) {
  const session = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => apiSend<O>(method, path(input), body(input), session?.csrfToken ?? null),
    onSuccess: (result) => {
      const operation = (result as { operation?: OperationView } | undefined)?.operation;
      if (operation) addOperation(queryClient, hostId, operation);
      // Not awaited: the queued operation already shows; the caller's dialog can close now.
      void queryClient.invalidateQueries({ queryKey: hostQueryKeys.host(hostId) });
    },
  });
}

export interface AssignVfInput {
  vfId: string;
  vmId: string;
  mac?: string;
  vlan?: number;
}

export type ResetType = 'GracefulRestart' | 'ForceRestart';
export type OsFix = 'iommu-args' | 'vfio';

export const useSetNumVfs = (hostId: string) =>
  useHostChange<{ pfId: string; numVfs: number }>(hostId, 'PUT', ({ pfId }) => `/api/pfs/${pfId}/num-vfs`, ({ numVfs }) => ({ numVfs }));

export const useAssignVf = (hostId: string) =>
  useHostChange<AssignVfInput>(hostId, 'POST', ({ vfId }) => `/api/vfs/${vfId}/assignment`, ({ vfId: _vfId, ...assignment }) => assignment);

export const useReleaseVf = (hostId: string) => useHostChange<{ vfId: string }>(hostId, 'DELETE', ({ vfId }) => `/api/vfs/${vfId}/assignment`, () => undefined);

export const useSetBios = (hostId: string) =>
  useHostChange<{ attributes: Record<string, string> }>(hostId, 'PATCH', () => `/api/hosts/${hostId}/bios`, (input) => input);

export const usePowerHost = (hostId: string) =>
  useHostChange<{ action: 'reset'; resetType: ResetType } | { action: 'on' }>(hostId, 'POST', () => `/api/hosts/${hostId}/power`, (input) => input);

export const useOsFix = (hostId: string) => useHostChange<{ fix: OsFix }>(hostId, 'POST', () => `/api/hosts/${hostId}/os-fix`, (input) => input);

/** The host's fix in one request: its changes, then (with `reboot`) the one reboot they need. */
export function useFixHost(hostId: string) {
  const session = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { reboot: true; resetType: ResetType } | { reboot: false }) =>
      apiSend<{ operations: OperationView[] }>('POST', `/api/hosts/${hostId}/fix`, input, session?.csrfToken ?? null),
    onSuccess: (result) => {
      // In the order queued, each on top: the timeline reads newest first.
      for (const operation of result.operations) addOperation(queryClient, hostId, operation);
      void queryClient.invalidateQueries({ queryKey: hostQueryKeys.host(hostId) });
    },
  });
}

/** Asks the agent and the iLO for a fresh read now; answers whether it worked. */
export const useSyncHost = (hostId: string) =>
  useHostChange<void, { ok: boolean; error?: string }>(hostId, 'POST', () => `/api/hosts/${hostId}/sync`, () => undefined);
