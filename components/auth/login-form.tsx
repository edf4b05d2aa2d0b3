'use client';

import { useState, type FormEvent } from 'react';
import { apiSend, ApiError } from '@/lib/api-client';

/** Only same-site paths: a crafted ?next= must not send the user elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginForm({ next }: { next?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await apiSend('POST', '/api/auth/login', { userName: String(form.get('userName') ?? ''), password: String(form.get('password') ?? '') }, null);
      // A full page load, not a client navigation: the router cached "/" while signed out (the
      // header's link was prefetched and the proxy answered it with a redirect to /login), so a
      // client-side replace landed back here on an empty page. A new document also starts the new
      // user with an empty query cache and the layout's session.
      window.location.replace(safeNext(next));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Sign-in failed.');
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
      <label className="block text-sm font-medium text-slate-700">
        User name
        <input name="userName" autoComplete="username" required autoFocus className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-xs" />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-xs" />
      </label>
      {error && (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-slate-900 px-3 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
