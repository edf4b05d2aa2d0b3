'use client';

import { useState, type FormEvent } from 'react';
import { Card } from '@/components/ui/card';
import { Badge } from '@/components/ui/status';
import { adminField, RoleSelect } from './role-select';
import { useCreateToken, useRevokeToken, useTokens } from '@/hooks/use-admin';
import type { Role } from '@/lib/auth/permissions';
import { TableHead } from '@/components/ui/table';

export function TokensPanel() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate({ name: String(data.get('name')), role: String(data.get('role')) as Role }, { onSuccess: ({ token, apiToken }) => (setShown({ name: apiToken.name, token }), form.reset()) });
  };

  return (
    <Card title="API tokens">
      {shown && (
        <div role="status" className="m-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          <p className="font-semibold">Token “{shown.name}”: copy it now, it is not shown again.</p>
          <code className="mt-1 block break-all font-mono text-xs">{shown.token}</code>
        </div>
      )}
      <table className="w-full text-sm">
        <TableHead columns={['Name', 'Token', 'Role', 'Created by', 'Last used', 'State', '']} />
        <tbody>
          {tokens.data?.tokens.map((t) => (
            <tr key={t.id} className="border-t border-slate-100">
              <th scope="row" className="px-4 py-1.5 text-left font-medium">
                {t.name}
              </th>
              <td className="px-4 py-1.5 font-mono text-xs">{t.prefix}…</td>
              <td className="px-4 py-1.5">{t.role}</td>
              <td className="px-4 py-1.5">{t.createdBy.userName}</td>
              <td className="px-4 py-1.5 tabular-nums">{t.lastUsedAt ? t.lastUsedAt.replace('T', ' ').slice(0, 16) : 'never'}</td>
              <td className="px-4 py-1.5">{t.revokedAt ? <Badge tone="neutral">Revoked</Badge> : <Badge tone="good">Active</Badge>}</td>
              <td className="px-4 py-1.5 text-right">
                {!t.revokedAt && (
                  <button type="button" onClick={() => revoke.mutate({ id: t.id })} className="text-rose-700 hover:underline">
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
          {tokens.data?.tokens.length === 0 && (
            <tr>
              <td colSpan={7} className="px-4 py-4 text-slate-500">
                No API tokens yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form onSubmit={submit} aria-label="Create an API token" className="flex flex-wrap items-end gap-3 border-t border-slate-200 px-4 py-3 text-xs font-medium text-slate-600">
        <label>
          Token name
          <input name="name" required placeholder="e.g. prometheus" className={adminField} />
        </label>
        <RoleSelect />
        <button type="submit" disabled={create.isPending} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
          Create token
        </button>
      </form>
      {(create.error || revoke.error) && (
        <p role="alert" className="mx-4 mb-3 rounded border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {(create.error ?? revoke.error)!.message}
        </p>
      )}
    </Card>
  );
}
