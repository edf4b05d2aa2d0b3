import { NextResponse } from 'next/server';
import { z } from 'zod';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/passwords';
import { SESSION_COOKIE, cookieOptions, createSession } from '@/lib/auth/session';
import { admitAttempt, recordSuccess } from '@/lib/auth/throttle';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseJsonBody } from '@/lib/http';

const loginSchema = z.strictObject({
  userName: z.string().trim().min(1, 'required').max(100),
  password: z.string().min(1, 'required').max(256),
});

function throttled(until: Date, reason: 'user' | 'address') {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  const who = reason === 'user' ? 'this user name' : 'this address';
  const response = errorResponse('too-many-requests', `Too many failed sign-ins for ${who}: try again in ${Math.ceil(seconds / 60)} min.`);
  response.headers.set('Retry-After', String(seconds));
  return response;
}

export const POST = route('public', async (request) => {
  const body = await parseJsonBody(loginSchema, request);
  if (!body.ok) return body.response;
  const { userName, password } = body.data;
  const sourceAddress = sourceAddressOf(request);

  // Counted before the password is looked at (lib/auth/throttle.ts).
  const admission = await admitAttempt(userName, sourceAddress);
  if (!admission.admitted) {
    await recordAudit({ actor: userName, action: 'login-throttled', targetType: 'user', targetId: userName, sourceAddress, after: { limitedBy: admission.reason } });
    return throttled(admission.retryAt, admission.reason);
  }

  const user = await prisma.user.findUnique({ where: { userName }, select: { id: true, userName: true, role: true, disabled: true, passwordHash: true } });
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !passwordOk || user.disabled) {
    await recordAudit({
      actor: userName,
      action: admission.lockedIfWrong ? 'login-locked' : 'login-failed',
      targetType: 'user',
      targetId: userName,
      sourceAddress,
      after: { failures: admission.userAttempts },
    });
    await new Promise((resolve) => setTimeout(resolve, admission.delayMs));
    if (admission.lockedIfWrong) return throttled(admission.lockedIfWrong, 'user');
    return errorResponse('unauthorized', user?.disabled && passwordOk ? 'This account is disabled: ask an admin.' : 'Wrong user name or password.');
  }

  await recordSuccess(userName, sourceAddress);
  const session = await createSession(user.id, sourceAddress);
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ actor: user.userName, action: 'login', targetType: 'user', targetId: user.id, sourceAddress });
  const response = NextResponse.json({ user: { userName: user.userName, role: user.role }, csrfToken: session.csrfToken });
  response.cookies.set(SESSION_COOKIE, session.cookie, cookieOptions(session.maxAgeSeconds));
  return response;
}, { body: true });
