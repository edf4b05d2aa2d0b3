'use client';

import { useState, type FormEvent } from 'react';
import { Card } from '@/components/ui/card';
import { Badge } from '@/components/ui/status';
import { adminField, RoleSelect } from './role-select';
import { useCreateUser, useUpdateUser, useUsers } from '@/hooks/use-admin';
import { ROLES, type Role } from '@/lib/auth/permissions';
import { TableHead } from '@/components/ui/table';

export function UsersPanel({ self }: { self: string }) {
  const users = useUsers();
  const create = useCreateUser();
  const update = useUpdateUser();
  const [message, setMessage] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      { userName: String(data.get('userName')), role: String(data.get('role')) as Role, password: String(data.get('password')) },
      { onSuccess: ({ user }) => (setMessage(`Created ${user.role} “${user.userName}”.`), form.reset()) },
    );
  };
  const error = create.error ?? update.error;

  return (
    <Card title="Users">
      <table className="w-full text-sm">
        <TableHead columns={['User', 'Role', 'State', 'Last sign-in', '']} />
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.id} className="border-t border-slate-100">
              <th scope="row" className="px-4 py-1.5 text-left font-medium">
                {u.userName}
              </th>
              <td className="px-4 py-1.5">
                <select
                  aria-label={`Role of ${u.userName}`}
                  value={u.role}
                  disabled={u.userName === self || update.isPending}
                  onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                  className="rounded border border-slate-300 px-1.5 py-0.5"
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td className="px-4 py-1.5">{u.disabled ? <Badge tone="warn">Disabled</Badge> : <Badge tone="good">Active</Badge>}</td>
              <td className="px-4 py-1.5 tabular-nums">{u.lastLoginAt ? u.lastLoginAt.replace('T', ' ').slice(0, 16) : 'never'}</td>
              <td className="px-4 py-1.5 text-right">
                {u.userName !== self && (
                  <button type="button" onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })} className="text-sky-800 hover:underline">
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={submit} aria-label="Add a user" className="flex flex-wrap items-end gap-3 border-t border-slate-200 px-4 py-3 text-xs font-medium text-slate-600">
        <label>
          New user name
          <input name="userName" required className={adminField} />
        </label>
        <RoleSelect />
        <label>
          Password (12+ characters)
          <input name="password" type="password" autoComplete="new-password" required minLength={12} className={adminField} />
        </label>
        <button type="submit" disabled={create.isPending} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
          Add user
        </button>
      </form>
      {(error || message) && (
        <p role={error ? 'alert' : 'status'} className={`mx-4 mb-3 rounded px-3 py-2 text-sm ${error ? 'border border-rose-300 bg-rose-50 text-rose-800' : 'bg-emerald-50 text-emerald-900'}`}>
          {error ? error.message : message}
        </p>
      )}
    </Card>
  );
}
