import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { currentPrincipal } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: PageProps<'/login'>) {
  if (await currentPrincipal()) redirect('/');
  const next = (await searchParams).next;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">SR-IOV Fleet Manager changes servers: every action is recorded with your name.</p>
      <LoginForm next={typeof next === 'string' ? next : undefined} />
    </div>
  );
}
