'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useComputePlan, usePolicy, usePolicyCompliance, usePolicyDiff, type PolicyDetail } from '@/hooks/use-policies';
import { useRollouts } from '@/hooks/use-rollouts';
import { useSession } from '@/hooks/use-session';
import { rolloutStatusText } from '@/lib/rollouts/view';
import { can } from '@/lib/auth/permissions';
import { describeSelector } from '@/lib/policies/selector';
import { COMPLIANCE_STATES, COMPLIANCE_TEXT, describeDocument } from '@/lib/policies/words';
import { Badge, utcTime } from '@/components/ui/status';
import { Button, ErrorNote } from '@/components/ui/button';
import { Card, Facts } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function Compliance({ id }: { id: string }) {
  const { data, error } = usePolicyCompliance(id);
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!data) return <p className="px-4 py-3 text-sm text-slate-600">Loading…</p>;
  if (data.hosts.length === 0) {
    return (
      <p className="px-4 py-3 text-sm text-slate-600">
        {data.evaluatedAt === null
          ? 'Not evaluated yet: compliance is evaluated when a policy is saved and after every inventory poll.'
          : `Matches no host: its selector selected none of the fleet’s hosts when compliance was last evaluated (${utcTime(data.evaluatedAt)}).`}
      </p>
    );
  }
  const counts = COMPLIANCE_STATES.map((s) => [s, data.hosts.filter((h) => h.state === s).length] as const).filter(([, n]) => n > 0);
  return (
    <>
      <div className="flex flex-wrap gap-2 px-4 py-2.5">
        {counts.map(([s, n]) => (
          <Badge key={s} tone={COMPLIANCE_TEXT[s].tone}>
            {n} {COMPLIANCE_TEXT[s].word.toLowerCase()}
          </Badge>
        ))}
      </div>
      <div className="max-h-[28rem] overflow-auto border-t border-slate-100">
        <table className="min-w-full text-sm" aria-label="Compliance">
          <TableHead columns={['Host', 'State', 'Since', 'What differs']} />
          <tbody className="divide-y divide-slate-100 align-top">
            {data.hosts.map((h) => (
              <tr key={h.hostId}>
                <th scope="row" className="px-4 py-1.5 text-left font-medium whitespace-nowrap">
                  <Link href={`/hosts/${h.hostId}`} className="text-sky-700 hover:underline">
                    {h.hostName}
                  </Link>
                </th>
                <td className="px-4 py-1.5">
                  <Badge tone={COMPLIANCE_TEXT[h.state].tone}>{COMPLIANCE_TEXT[h.state].word}</Badge>
                </td>
                <td className="px-4 py-1.5 whitespace-nowrap">{utcTime(h.since)}</td>
                <td className="px-4 py-1.5 text-slate-700">
                  {h.details.map((d) => (
                    <div key={d}>{d}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.transitions.length > 0 && (
        <details className="border-t border-slate-100">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-slate-700">Changes of state ({data.transitions.length})</summary>
          <ul className="space-y-0.5 px-4 pb-3 text-sm">
            {data.transitions.map((t) => (
              <li key={`${t.hostId}-${t.at}-${t.to}`}>
                {utcTime(t.at)} · {t.hostName}: {t.from ? COMPLIANCE_TEXT[t.from as keyof typeof COMPLIANCE_TEXT]?.word ?? t.from : 'first seen'} → {COMPLIANCE_TEXT[t.to as keyof typeof COMPLIANCE_TEXT]?.word ?? t.to}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function Versions({ policy }: { policy: PolicyDetail }) {
  const latest = policy.currentVersion;
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  const diff = usePolicyDiff(policy.id, from, to);
  const pick = (label: string, value: number, onChange: (v: number) => void) => (
    <label className="text-sm">
      {label}{' '}
      <select aria-label={`Diff ${label}`} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {policy.versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <table className="min-w-full text-sm" aria-label="Versions">
        <TableHead columns={['Version', 'Saved', 'By', 'What changed']} />
        <tbody className="divide-y divide-slate-100">
          {policy.versions.map((v) => (
            <tr key={v.version}>
              <td className="px-4 py-1.5 font-medium">v{v.version}{v.version === latest && <span className="ml-1 text-xs font-normal text-slate-500">(current)</span>}</td>
              <td className="px-4 py-1.5 whitespace-nowrap">{utcTime(v.createdAt)}</td>
              <td className="px-4 py-1.5">{v.createdBy}</td>
              <td className="px-4 py-1.5 text-slate-700">{v.comment ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {policy.versions.length > 1 && (
        <div className="space-y-2 border-t border-slate-100 px-4 py-3">
          <div className="flex flex-wrap items-center gap-3">
            <span className="text-sm font-medium">Compare</span>
            {pick('from', from, setFrom)}
            {pick('to', to, setTo)}
          </div>
          {from === to && <p className="text-sm text-slate-600">Pick two different versions.</p>}
          {diff.error && <ErrorNote>{diff.error.message}</ErrorNote>}
          {diff.data && (
            <table className="min-w-full text-sm" aria-label="Differences">
              <TableHead columns={['Field', `v${diff.data.from}`, `v${diff.data.to}`]} />
              <tbody className="divide-y divide-slate-100 font-mono text-xs">
                {diff.data.changes.map((c) => (
                  <tr key={c.path}>
                    <td className="px-4 py-1">{c.path}</td>
                    <td className="px-4 py-1 text-rose-800">{show(c.from)}</td>
                    <td className="px-4 py-1 text-emerald-800">{show(c.to)}</td>
                  </tr>
                ))}
                {diff.data.changes.length === 0 && (
                  <tr>
                    <td colSpan={3} className="px-4 py-1 font-sans text-slate-600">
                      The two versions are the same.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}

/** The rollouts that applied plans of this policy, newest first. */
function Rollouts({ name }: { name: string }) {
  const { data } = useRollouts();
  const mine = (data?.rollouts ?? []).filter((r) => r.policy === name);
  if (mine.length === 0) return <p className="px-4 py-3 text-sm text-slate-600">No rollout of this policy yet: compute a plan, then start one from the plan’s page.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {mine.map((r) => {
        const status = rolloutStatusText(r.status, r.finishedAt !== null);
        return (
          <li key={r.id} className="flex flex-wrap items-center gap-3 px-4 py-1.5">
            <Link href={`/rollouts/${r.id}`} className="text-sky-700 hover:underline">
              {utcTime(r.createdAt)} by {r.createdBy}
            </Link>
            <Badge tone={status.tone}>{status.word}</Badge>
            <span className="text-slate-600">
              {r.done} done{r.failed ? `, ${r.failed} failed` : ''} of {r.hosts}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** One policy: what it asks, where its hosts stand, its versions; a plan from here. */
export function PolicyView({ id }: { id: string }) {
  const { data: policy, error } = usePolicy(id);
  const session = useSession();
  const router = useRouter();
  const plan = useComputePlan();
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!policy) return <p className="text-sm text-slate-600">Loading…</p>;
  const role = session?.role ?? 'viewer';
  const compute = (onlyNonCompliant: boolean) => plan.mutate({ policyId: id, onlyNonCompliant }, { onSuccess: (p) => router.push(`/plans/${p.id}`) });
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href="/policies" className="text-sky-700 hover:underline">
              Policies
            </Link>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">
            {policy.name} <span className="text-base font-normal text-slate-500">v{policy.currentVersion}</span>
          </h1>
          {policy.description && <p className="text-sm text-slate-600">{policy.description}</p>}
        </div>
        <div className="flex flex-wrap gap-2">
          {can(role, 'policy:edit') && (
            <Link href={`/policies/${id}/edit`} className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-xs hover:bg-slate-50">
              Edit
            </Link>
          )}
          {can(role, 'plan:compute') && (
            <>
              <Button onClick={() => compute(true)} disabled={plan.isPending}>
                Plan for hosts not compliant
              </Button>
              <Button variant="primary" onClick={() => compute(false)} disabled={plan.isPending}>
                {plan.isPending ? 'Computing…' : 'Compute plan'}
              </Button>
            </>
          )}
        </div>
      </div>
      {plan.error && <ErrorNote>{plan.error.message}</ErrorNote>}

      <Card title="What it asks">
        <Facts
          items={[
            ['Selects', describeSelector(policy.document.selector)],
            [
              'Sets',
              <ul key="sets">
                {describeDocument(policy.document).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>,
            ],
            ['Priority', policy.document.priority],
            ['Automatic remediation', policy.document.autoRemediate ? 'on: VF settings and counts that need no reboot and take no VF from a VM' : 'off: nothing changes without an applied plan'],
          ]}
        />
        <details className="border-t border-slate-100">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-slate-700">As JSON</summary>
          <pre aria-label="Policy JSON" className="overflow-x-auto px-4 pb-3 text-xs">{JSON.stringify(policy.document, null, 2)}</pre>
        </details>
      </Card>

      <Card title="Compliance">
        <Compliance id={id} />
      </Card>

      <Card title="Versions">
        <Versions policy={policy} />
      </Card>

      <Card title="Rollouts">
        <Rollouts name={policy.name} />
      </Card>
    </div>
  );
}
