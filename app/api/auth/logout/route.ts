import { NextResponse } from 'next/server';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { SESSION_COOKIE, cookieOptions, deleteSession } from '@/lib/auth/session';
import { errorResponse } from '@/lib/http';

export const POST = route('signed-in', async (request, _ctx, principal) => {
  if (!principal.sessionId) return errorResponse('bad-request', 'An API token has no session to end: revoke the token instead.');
  await deleteSession(principal.sessionId);
  await recordAudit({ actor: principal.name, action: 'logout', targetType: 'user', targetId: principal.userId ?? principal.name, sourceAddress: sourceAddressOf(request) });
  const response = new NextResponse(null, { status: 204 });
  response.cookies.set(SESSION_COOKIE, '', cookieOptions(0));
  return response;
});
