'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiSend } from '@/lib/api-client';
import { useSession } from '@/hooks/use-session';
import type { PolicyDocument } from '@/lib/policies/document';
import type { DocumentChange } from '@/lib/policies/diff';
import type { ComplianceState } from '@/lib/policies/words';
import type { PlanDocument } from '@/lib/policies/service';
import type { Selector } from '@/lib/policies/selector';
import type { RolloutOptions } from '@/lib/rollouts/options';

export interface PolicySummary {
  id: string;
  name: string;
  description: string | null;
  currentVersion: number;
  createdAt: string;
  updatedAt: string;
  /** When compliance was last evaluated over the fleet with it (null: never). */
  evaluatedAt: string | null;
  document: PolicyDocument;
  compliance: Partial<Record<ComplianceState, number>>;
}

export interface PolicyDetail extends Omit<PolicySummary, 'compliance'> {
  versions: { version: number; document: PolicyDocument; comment: string | null; createdBy: string; createdAt: string }[];
}

export interface PolicyCompliance {
  evaluatedAt: string | null;
  hosts: { hostId: string; hostName: string; state: ComplianceState; details: string[]; since: string; checkedAt: string }[];
  transitions: { hostId: string; hostName: string; from: string | null; to: string; at: string }[];
}

export interface StoredPlan extends PlanDocument {
  id: string;
  policyId: string | null;
  policyName: string | null;
  policyVersion: number | null;
  computedBy: string;
}

export interface PlanFreshness {
  fresh: boolean;
  changed: { hostId: string; hostName: string; changes: string[] }[];
  policiesChanged: string[];
}

export const policyKeys = {
  all: ['policies'] as const,
  one: (id: string) => ['policies', id] as const,
  compliance: (id: string) => ['policies', id, 'compliance'] as const,
  diff: (id: string, from: number, to: number) => ['policies', id, 'diff', from, to] as const,
  plan: (id: string) => ['plans', id] as const,
  freshness: (id: string) => ['plans', id, 'freshness'] as const,
  preview: (selector: string) => ['selector-preview', selector] as const,
};

export function usePolicies() {
  return useQuery({ queryKey: policyKeys.all, queryFn: ({ signal }) => apiGet<{ policies: PolicySummary[] }>('/api/policies', signal) });
}

export function usePolicy(id: string) {
  return useQuery({ queryKey: policyKeys.one(id), queryFn: ({ signal }) => apiGet<PolicyDetail>(`/api/policies/${id}`, signal) });
}

export function usePolicyCompliance(id: string) {
  return useQuery({ queryKey: policyKeys.compliance(id), queryFn: ({ signal }) => apiGet<PolicyCompliance>(`/api/policies/${id}/compliance`, signal), refetchInterval: 15_000 });
}

export function usePolicyDiff(id: string, from: number, to: number) {
  return useQuery({
    queryKey: policyKeys.diff(id, from, to),
    queryFn: ({ signal }) => apiGet<{ from: number; to: number; changes: DocumentChange[] }>(`/api/policies/${id}/diff?from=${from}&to=${to}`, signal),
    enabled: from !== to,
  });
}

/** How many hosts a selector matches now; `null` while the selector is not valid. */
export function useSelectorPreview(selector: Selector | null) {
  const key = selector ? JSON.stringify(selector) : '';
  const session = useSession();
  return useQuery({
    queryKey: policyKeys.preview(key),
    queryFn: () => apiSend<{ count: number; hosts: string[] }>('POST', '/api/selectors/preview', { selector }, session?.csrfToken ?? null),
    enabled: selector !== null,
    placeholderData: (previous) => previous,
  });
}

export interface PolicyInput {
  name: string;
  description?: string;
  document: unknown;
  comment?: string;
}

/** Creates a policy, or saves a new version of one (on the version the form was opened on). */
export function useSavePolicy(existing: { id: string; baseVersion: number } | null) {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: PolicyInput) =>
      existing
        ? apiSend<{ id: string; version: number }>('PUT', `/api/policies/${existing.id}`, { description: input.description ?? null, document: input.document, comment: input.comment, baseVersion: existing.baseVersion }, session?.csrfToken ?? null)
        : apiSend<{ id: string; version: number }>('POST', '/api/policies', input, session?.csrfToken ?? null),
    onSuccess: () => client.invalidateQueries({ queryKey: policyKeys.all }),
  });
}

export function useComputePlan() {
  const session = useSession();
  return useMutation({
    mutationFn: (input: { policyId: string; onlyNonCompliant?: boolean }) => apiSend<{ id: string }>('POST', '/api/plans', input, session?.csrfToken ?? null),
  });
}

export function usePlan(id: string) {
  return useQuery({ queryKey: policyKeys.plan(id), queryFn: ({ signal }) => apiGet<StoredPlan>(`/api/plans/${id}`, signal), staleTime: Infinity });
}

export function usePlanFreshness(id: string) {
  return useQuery({ queryKey: policyKeys.freshness(id), queryFn: ({ signal }) => apiGet<PlanFreshness>(`/api/plans/${id}/freshness`, signal), refetchInterval: 30_000 });
}

export function useStartRollout() {
  const session = useSession();
  return useMutation({
    mutationFn: (input: { planId: string; options: Partial<RolloutOptions> }) => apiSend<{ id: string; hosts: number; waves: number }>('POST', '/api/rollouts', input, session?.csrfToken ?? null),
  });
}

export interface ImportResult {
  dryRun: boolean;
  created: string[];
  updated: { name: string; changes: DocumentChange[] }[];
  unchanged: string[];
}

/** POST /api/policies/import: with dryRun, what it would do; without, it does it (all or nothing). */
export function useImportPolicies() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { file: Record<string, unknown>; dryRun: boolean }) => apiSend<ImportResult>('POST', '/api/policies/import', { ...input.file, dryRun: input.dryRun }, session?.csrfToken ?? null),
    onSuccess: (result) => {
      if (!result.dryRun) void client.invalidateQueries({ queryKey: policyKeys.all });
    },
  });
}
