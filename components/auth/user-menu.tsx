'use client';

import { useState } from 'react';
import { apiSend } from '@/lib/api-client';
import { useSession } from '@/hooks/use-session';

export function UserMenu() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  if (!session) return null;
  const signOut = async () => {
    setBusy(true);
    try {
      await apiSend('POST', '/api/auth/logout', undefined, session.csrfToken);
    } finally {
      // A new document: nothing the signed-out user saw stays in the router or query caches.
      window.location.replace('/login');
    }
  };
  return (
    <div className="ml-auto flex items-center gap-3 text-sm">
      <span className="text-slate-300">
        <span className="font-medium text-white">{session.name}</span> · {session.role}
      </span>
      <button type="button" onClick={signOut} disabled={busy} className="rounded border border-slate-600 px-2.5 py-1 text-slate-200 hover:border-slate-400 hover:text-white disabled:opacity-50">
        Sign out
      </button>
    </div>
  );
}
