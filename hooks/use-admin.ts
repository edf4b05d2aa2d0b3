'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '@/hooks/use-session';
import { apiGet, apiSend } from '@/lib/api-client';
import type { Role } from '@/lib/auth/permissions';

export interface UserRow {
  id: string;
  userName: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdBy: { userName: string };
}

const keys = { users: ['admin', 'users'] as const, tokens: ['admin', 'tokens'] as const };

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: ({ signal }) => apiGet<{ users: UserRow[] }>('/api/users', signal) });
}

export function useTokens() {
  return useQuery({ queryKey: keys.tokens, queryFn: ({ signal }) => apiGet<{ tokens: TokenRow[] }>('/api/tokens', signal) });
}

/** A change through the API with the session's CSRF token; refreshes the lists it touches. */
function useAdminMutation<I, O>(method: 'POST' | 'PATCH' | 'DELETE', path: (input: I) => string, body: (input: I) => unknown, touches: readonly (readonly string[])[]) {
  const session = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => apiSend<O>(method, path(input), body(input), session?.csrfToken ?? null),
    onSuccess: () => Promise.all(touches.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export const useCreateUser = () =>
  useAdminMutation<{ userName: string; role: Role; password: string }, { user: UserRow }>('POST', () => '/api/users', (input) => input, [keys.users]);
export const useUpdateUser = () =>
  useAdminMutation<{ id: string; role?: Role; disabled?: boolean }, { user: UserRow }>('PATCH', ({ id }) => `/api/users/${id}`, ({ id: _id, ...change }) => change, [keys.users]);
export const useCreateToken = () =>
  useAdminMutation<{ name: string; role: Role }, { token: string; apiToken: TokenRow }>('POST', () => '/api/tokens', (input) => input, [keys.tokens]);
export const useRevokeToken = () => useAdminMutation<{ id: string }, void>('DELETE', ({ id }) => `/api/tokens/${id}`, () => undefined, [keys.tokens]);
