import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SessionProvider, type BrowserSession } from '@/hooks/use-session';
import { UserMenu } from '@/components/auth/user-menu';
import { currentPrincipal } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'SR-IOV Fleet Manager', template: '%s · SR-IOV Fleet Manager' },
  description: 'SR-IOV readiness and virtual functions across HPE ProLiant fleets.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  const session: BrowserSession | null = principal ? { name: principal.name, role: principal.role, csrfToken: principal.csrfToken ?? null } : null;
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <SessionProvider session={session}>
          <header className="border-b border-slate-800 bg-slate-900 text-slate-100 print:hidden">
            <div className="mx-auto flex h-14 max-w-[1400px] items-center gap-8 px-6">
              <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
                <span aria-hidden className="grid size-7 place-items-center rounded bg-sky-500 text-xs font-bold text-slate-950">
                  VF
                </span>
                SR-IOV Fleet Manager
              </Link>
              {session && (
                <nav aria-label="Main" className="flex gap-5 text-sm text-slate-300">
                  <Link href="/" className="hover:text-white">
                    Fleet
                  </Link>
                  <Link href="/vms" className="hover:text-white">
                    VMs
                  </Link>
                  <Link href="/policies" className="hover:text-white">
                    Policies
                  </Link>
                  <Link href="/rollouts" className="hover:text-white">
                    Rollouts
                  </Link>
                  <Link href="/reports" className="hover:text-white">
                    Reports
                  </Link>
                  <Link href="/docs/api" className="hover:text-white">
                    API
                  </Link>
                  {can(session.role, 'audit:read') && (
                    <Link href="/audit" className="hover:text-white">
                      Audit log
                    </Link>
                  )}
                  {can(session.role, 'user:manage') && (
                    <Link href="/admin" className="hover:text-white">
                      Users and tokens
                    </Link>
                  )}
                </nav>
              )}
              <UserMenu />
            </div>
          </header>
          <Providers>
            <main className="mx-auto max-w-[1400px] px-6 py-6">{children}</main>
          </Providers>
        </SessionProvider>
      </body>
    </html>
  );
}
