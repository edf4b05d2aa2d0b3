// Runs before every page and API request: security headers with a fresh CSP nonce (Next puts it on
// its own scripts), and pages send visitors without a session cookie to the sign-in page. Whether
// the session is valid is decided by the page or route itself (lib/auth), against the database.
// The health probes answer load balancers, and /metrics Prometheus, which have no session: they
// pass without one (/metrics checks its own bearer token).

import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE } from '@/lib/auth/constants';

/** The single sign-on callback answers a plain HTML page with its own inline style and no script. */
const STYLED_API_PAGES: readonly string[] = ['/api/auth/oidc/callback'];

function contentSecurityPolicy(nonce: string, isApi: boolean, pathname: string): string {
  if (isApi) return STYLED_API_PAGES.includes(pathname) ? "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'";
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    // React's development build evaluates code; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Charts set style attributes; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Answered without a session (app/healthz, app/readyz, app/metrics). */
const PROBE_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // The probes answer JSON (or metrics text) like the API, and get its policy.
  const isApi = pathname.startsWith('/api/') || PROBE_PATHS.includes(pathname);
  if (!isApi && pathname !== '/login' && !request.cookies.has(SESSION_COOKIE)) {
    const login = new URL('/login', request.url);
    if (pathname !== '/') login.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce, isApi, pathname);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|icon.svg|favicon.ico).*)'],
};
