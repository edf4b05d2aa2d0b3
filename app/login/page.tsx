import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { currentPrincipal } from '@/lib/auth/current-user';
import { oidcSettings } from '@/lib/auth/oidc';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: PageProps<'/login'>) {
  if (await currentPrincipal()) redirect('/');
  const next = (await searchParams).next;
  const sso = oidcSettings();
  const start = `/api/auth/oidc/start${typeof next === 'string' ? `?${new URLSearchParams({ next })}` : ''}`;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">SR-IOV Fleet Manager changes servers: every action is recorded with your name.</p>
      {sso && (
        <>
          <a href={start} className="block w-full rounded-md bg-sky-700 px-3 py-2 text-center text-sm font-medium text-white shadow-xs hover:bg-sky-800">
            Sign in with {sso.name}
          </a>
          <p className="mb-4 mt-6 flex items-center gap-3 text-xs text-slate-500">
            <span className="h-px flex-1 bg-slate-200" />
            or with a local account (break-glass)
            <span className="h-px flex-1 bg-slate-200" />
          </p>
        </>
      )}
      <LoginForm next={typeof next === 'string' ? next : undefined} />
    </div>
  );
}
