// The signed-in user for server components. Pages call requireUser(); the proxy has already sent
// visitors without a cookie to /login, this also catches expired or revoked sessions.

import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE } from './constants';
import { resolvePrincipal, type Principal } from './session';

export async function currentPrincipal(): Promise<Principal | null> {
  return resolvePrincipal(null, (await cookies()).get(SESSION_COOKIE)?.value);
}

export async function requireUser(path: string): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`);
  return principal;
}
