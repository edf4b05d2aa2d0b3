// GET /api/auth/oidc/callback — where the identity provider sends the browser back. Checks its
// answer (state, nonce, PKCE), maps the person's groups to a role, signs them in and answers a
// page of this site that goes on to where they were going: the session cookie is SameSite=Strict,
// so it would not come along on the provider's cross-site redirect itself, but it does on a
// navigation this page starts. Every outcome is audited like a local sign-in.

import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { finishSignIn, OIDC_COOKIE, oidcSettings } from '@/lib/auth/oidc';
import { cookieOptions, createSession, SESSION_COOKIE } from '@/lib/auth/session';
import { oidcUser } from '@/lib/auth/users';
import { errorResponse, type ErrorCode } from '@/lib/http';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CODES: Record<number, ErrorCode> = { 400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 502: 'unavailable' };

/** A refusal: a page for a browser, the error envelope for any other client (a script, a probe). */
function refusal(request: Request, status: 400 | 401 | 403 | 404 | 502, title: string, text: string): Response {
  if (!(request.headers.get('accept') ?? '').includes('text/html')) return errorResponse(CODES[status]!, text);
  return page(status, title, text, { href: '/login', label: 'Back to sign-in' });
}

/** A plain page of this site: the outcome in words, and where to go from here. */
function page(status: number, title: string, text: string, link: { href: string; label: string }, refresh = false): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? `<meta http-equiv="refresh" content="0;url=${escape(link.href)}">` : ''}
<title>${escape(title)} · SR-IOV Fleet Manager</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#0f172a;background:#f8fafc;margin:0}main{max-width:32rem;margin:4rem auto;background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:2rem}h1{font-size:1.25rem;margin:0 0 .5rem}a{color:#0369a1}</style>
</head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p><p><a href="${escape(link.href)}">${escape(link.label)}</a></p></main></body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

const clearTransaction = (response: Response) => {
  response.headers.append('set-cookie', `${OIDC_COOKIE}=; Path=/api/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax`);
  return response;
};

export const GET = route('public', async (request) => {
  const settings = oidcSettings();
  if (!settings) return refusal(request, 404, 'Single sign-on is not set up', 'This dashboard has no identity provider configured (OIDC_ISSUER): sign in with a user name and password.');
  const sourceAddress = sourceAddressOf(request);
  const outcome = await finishSignIn(settings, request.cookies.get(OIDC_COOKIE)?.value, request.nextUrl.searchParams);
  if (!outcome.ok) {
    await recordAudit({ actor: outcome.who ?? 'unknown (single sign-on)', action: 'login-failed', targetType: 'user', targetId: outcome.who ?? 'unknown', sourceAddress, after: { method: 'oidc', issuer: settings.issuer.href, reason: outcome.reason } });
    return clearTransaction(refusal(request, outcome.status, 'Not signed in', outcome.reason));
  }
  const { identity } = outcome;
  const signedIn = await oidcUser(identity);
  if (!signedIn.ok) {
    await recordAudit({ actor: signedIn.userName, action: 'login-failed', targetType: 'user', targetId: signedIn.userName, sourceAddress, after: { method: 'oidc', issuer: identity.issuer, reason: signedIn.reason } });
    return clearTransaction(refusal(request, 403, 'Not signed in', signedIn.reason));
  }
  const { user, roleBefore } = signedIn;
  const session = await createSession(user.id, sourceAddress);
  await recordAudit({
    actor: user.userName,
    action: 'login',
    targetType: 'user',
    targetId: user.id,
    sourceAddress,
    after: { method: 'oidc', issuer: identity.issuer, role: user.role, ...(roleBefore && roleBefore !== user.role ? { roleBefore } : {}), ...(roleBefore === null ? { created: true } : {}) },
  });
  const response = clearTransaction(page(200, 'Signed in', `Signed in as ${user.userName} (${user.role}). Going on…`, { href: outcome.next, label: 'Continue' }, true));
  const c = cookieOptions(session.maxAgeSeconds);
  response.headers.append('set-cookie', `${SESSION_COOKIE}=${session.cookie}; Path=${c.path}; Max-Age=${c.maxAge}; HttpOnly; SameSite=Strict${c.secure ? '; Secure' : ''}`);
  return response;
}, { query: true });
