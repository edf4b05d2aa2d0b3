// Every API route handler is made with `route(permission, handler)`: it resolves who is asking,
// answers 401 (who are you?) or 403 (you may not, and why), checks the CSRF token on
// state-changing requests from a browser session, audits refusals, and turns a unique-constraint
// race into 409 and an unexpected throw into the envelope's 500. The permission is attached to the handler so a test can walk
// every route in app/api and check it.

import 'server-only';
import type { NextRequest } from 'next/server';
import { Prisma } from '@/lib/generated/prisma/client';
import { errorResponse, internalError } from '@/lib/http';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { allows, refusalReason, type Action, type Permission } from './permissions';
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches, resolvePrincipal, type Principal } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Handler<Ctx, P> = (request: NextRequest, context: Ctx, principal: P) => Promise<Response>;
export type GuardedHandler<Ctx> = ((request: NextRequest, context: Ctx) => Promise<Response>) & { permission: Permission };

export function principalOf(request: NextRequest): Promise<Principal | null> {
  return resolvePrincipal(request.headers.get('authorization'), request.cookies.get(SESSION_COOKIE)?.value);
}

export function route<Ctx>(permission: 'public', handler: Handler<Ctx, Principal | null>): GuardedHandler<Ctx>;
export function route<Ctx>(permission: Exclude<Permission, 'public'>, handler: Handler<Ctx, Principal>): GuardedHandler<Ctx>;
export function route<Ctx>(permission: Permission, handler: Handler<Ctx, Principal | null> | Handler<Ctx, Principal>): GuardedHandler<Ctx> {
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
        if (!SAFE_METHODS.has(request.method) && principal.kind === 'session' && !csrfMatches(principal, request.headers.get(CSRF_HEADER))) {
          return errorResponse('forbidden', `Missing or wrong CSRF token: send the ${CSRF_HEADER} header given by GET /api/auth/session.`);
        }
      }
      return await (handler as Handler<Ctx, Principal | null>)(request, context, principal);
    } catch (error) {
      // A unique constraint lost to a concurrent request (two registrations of one name, say):
      // the checks before the write passed, the database refused. That is a conflict, not a 500.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return errorResponse('conflict', 'Another request created the same record at the same time; reload and try again.');
      }
      return internalError(error);
    }
  };
  return Object.assign(guarded, { permission });
}
