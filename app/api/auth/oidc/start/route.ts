// GET /api/auth/oidc/start?next=/path — sends the browser to the identity provider's sign-in,
// with PKCE (S256), state and nonce sealed in a short-lived cookie that only the callback reads.

import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { beginSignIn, OIDC_COOKIE, OIDC_TRANSACTION_SECONDS, oidcSettings } from '@/lib/auth/oidc';
import { publicOriginOf } from '@/lib/front-door';
import { errorResponse } from '@/lib/http';
import { log } from '@/lib/log';

export const GET = route('public', async (request) => {
  const settings = oidcSettings();
  if (!settings) return errorResponse('not-found', 'Single sign-on is not set up on this dashboard (OIDC_ISSUER is unset): sign in with a user name and password.');
  const unknown = [...request.nextUrl.searchParams.keys()].filter((key) => key !== 'next');
  if (unknown.length > 0) return errorResponse('bad-request', `${unknown.join(', ')}: unknown query parameter (this endpoint takes next)`, unknown.map((key) => ({ path: key, message: 'unknown query parameter' })));
  let started: Awaited<ReturnType<typeof beginSignIn>>;
  try {
    started = await beginSignIn(settings, `${publicOriginOf(request)}/api/auth/oidc/callback`, request.nextUrl.searchParams.get('next'));
  } catch (error) {
    log.warn({ err: error, issuer: settings.issuer.href }, 'single sign-on: the identity provider could not be read');
    return errorResponse('unavailable', `The identity provider at ${settings.issuer.host} could not be read (${error instanceof Error ? error.message : String(error)}): try again, or sign in with a user name and password.`);
  }
  const response = NextResponse.redirect(started.url, 303);
  // Lax, not Strict: the identity provider's redirect back is a cross-site navigation, and the callback needs this cookie.
  response.cookies.set(OIDC_COOKIE, started.sealed, { httpOnly: true, sameSite: 'lax', secure: process.env.COOKIE_SECURE === 'true', path: '/api/auth/oidc', maxAge: OIDC_TRANSACTION_SECONDS });
  return response;
}, { query: true });
