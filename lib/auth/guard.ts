// Every API route handler is made with `route(permission, handler)`: it resolves who is asking,
// answers 401 (who are you?) or 403 (you may not, and why), checks the Origin and the CSRF token
// on state-changing requests from a browser, refuses query parameters the route does not read,
// audits refusals, and turns a unique-constraint race or a serialization conflict into 409 and
// an unexpected throw into the envelope's 500. The permission is attached to the handler so a
// test can walk every route in app/api and check it.

import 'server-only';
import type { NextRequest } from 'next/server';
import { Prisma } from '@/lib/generated/prisma/client';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { publicOriginOf } from '@/lib/front-door';
import { errorResponse, internalError } from '@/lib/http';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { allows, refusalReason, type Action, type Permission } from './permissions';
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches, resolvePrincipal, type Principal } from './session';
import { isWriteConflict } from '@/lib/db/serializable';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Handler<Ctx, P> = (request: NextRequest, context: Ctx, principal: P) => Promise<Response>;
export type GuardedHandler<Ctx> = ((request: NextRequest, context: Ctx) => Promise<Response>) & { permission: Permission; readsQuery: boolean; readsBody: boolean };

export interface RouteOptions {
  /** The handler reads its query with parseSearchParams (a strict schema); others take none. */
  query?: boolean;
  /** The handler reads a JSON body with parseJsonBody; others refuse any body. */
  body?: boolean;
}

function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  return (length !== null && length !== '0') || request.headers.has('transfer-encoding');
}

/**
 * A browser's cross-site request, told by the headers browsers set themselves (OWASP's "verify
 * origin with standard headers", on top of the CSRF token): an Origin other than ours, or a
 * Sec-Fetch-Site other than same-origin. Clients that are not browsers send neither.
 */
export function crossSiteReason(request: Request): string | null {
  const origin = request.headers.get('origin');
  if (origin !== null) {
    const expected = publicOriginOf(request);
    return origin === expected ? null : `Origin ${origin} is not ${expected} (set PUBLIC_ORIGIN when users reach the dashboard through a proxy).`;
  }
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${site}: changes are accepted from this dashboard's own pages only.`;
  return null;
}

export function principalOf(request: NextRequest): Promise<Principal | null> {
  return resolvePrincipal(request.headers.get('authorization'), request.cookies.get(SESSION_COOKIE)?.value);
}

export function route<Ctx>(permission: 'public', handler: Handler<Ctx, Principal | null>, options?: RouteOptions): GuardedHandler<Ctx>;
export function route<Ctx>(permission: Exclude<Permission, 'public'>, handler: Handler<Ctx, Principal>, options?: RouteOptions): GuardedHandler<Ctx>;
export function route<Ctx>(permission: Permission, handler: Handler<Ctx, Principal | null> | Handler<Ctx, Principal>, options: RouteOptions = {}): GuardedHandler<Ctx> {
  const readsQuery = options.query === true;
  const readsBody = options.body === true;
  const guarded = async (request: NextRequest, context: Ctx): Promise<Response> => {
    try {
      const principal = await principalOf(request);
      if (permission !== 'public') {
        if (!principal) {
          return errorResponse('unauthorized', 'Sign in first, or send an API token (Authorization: Bearer sfm_…).');
        }
        if (!allows(principal.role, permission)) {
          await recordAudit({
            actor: principal.name,
            action: 'denied',
            targetType: 'route',
            targetId: `${request.method} ${request.nextUrl.pathname}`,
            sourceAddress: sourceAddressOf(request),
            after: { permission, role: principal.role },
          });
          return errorResponse('forbidden', refusalReason(principal.role, permission as Action));
        }
      }
      // Who asks comes first (401/403 say nothing about the request); then where from, then its shape.
      if (!SAFE_METHODS.has(request.method)) {
        const crossSite = crossSiteReason(request);
        if (crossSite) return errorResponse('forbidden', `Cross-site request refused: ${crossSite}`);
      }
      if (permission !== 'public' && principal && !SAFE_METHODS.has(request.method) && principal.kind === 'session' && !csrfMatches(principal, request.headers.get(CSRF_HEADER))) {
        return errorResponse('forbidden', `Missing or wrong CSRF token: send the ${CSRF_HEADER} header given by GET /api/auth/session.`);
      }
      if (!readsQuery) {
        const unknown = [...new Set(request.nextUrl.searchParams.keys())];
        if (unknown.length > 0) {
          return errorResponse('bad-request', `${unknown.join(', ')}: unknown query parameter (this endpoint takes none)`, unknown.map((key) => ({ path: key, message: 'unknown query parameter' })));
        }
      }
      if (!readsBody && hasBody(request)) {
        return errorResponse('bad-request', 'body: this request takes no body', [{ path: 'body', message: 'not expected' }]);
      }
      return await (handler as Handler<Ctx, Principal | null>)(request, context, principal);
    } catch (error) {
      // A unique constraint lost to a concurrent request (two registrations of one name, say):
      // the checks before the write passed, the database refused. That is a conflict, not a 500.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return errorResponse('conflict', 'Another request created the same record at the same time; reload and try again.');
      }
      // A serializable transaction that lost to a concurrent one (PostgreSQL; SQLite serializes).
      if (isWriteConflict(error)) {
        return errorResponse('conflict', 'Another request changed the same records at the same time; reload and try again.');
      }
      if (isDatabaseUnavailable(error)) {
        const response = errorResponse('unavailable', 'The inventory database is busy or out of reach; nothing was changed. Try again in a moment.');
        response.headers.set('Retry-After', '2');
        return response;
      }
      return internalError(error);
    }
  };
  return Object.assign(guarded, { permission, readsQuery, readsBody });
}
