import { NextResponse } from 'next/server';
import { z } from 'zod';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { hashPassword, newPasswordSchema } from '@/lib/auth/passwords';
import { ROLES } from '@/lib/auth/permissions';
import { userSelect } from '@/lib/auth/users';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId, parseJsonBody } from '@/lib/http';

const updateUserSchema = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    displayName: z.string().trim().max(100).nullable().optional(),
    password: newPasswordSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'body: nothing to change' });

export const PATCH = route('user:manage', async (request, ctx: RouteContext<'/api/users/[id]'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(updateUserSchema, request);
  if (!body.ok) return body.response;
  const before = await prisma.user.findUnique({ where: { id: id.data }, select: userSelect });
  if (!before) return errorResponse('not-found', `No user with id "${id.data}".`);
  if (before.id === principal.userId && (body.data.disabled === true || (body.data.role && body.data.role !== 'admin'))) {
    return errorResponse('bad-request', 'role: you cannot demote or disable yourself; another admin must do it.');
  }
  const { password, ...rest } = body.data;
  const user = await prisma.$transaction(async (tx) => {
    const updated = await tx.user.update({ where: { id: id.data }, data: { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) }, select: userSelect });
    // A changed role, a disabled account or a new password ends the user's sessions.
    if (rest.role || rest.disabled || password) await tx.session.deleteMany({ where: { userId: id.data } });
    return updated;
  });
  await recordAudit({
    actor: principal.name,
    action: 'user-update',
    targetType: 'user',
    targetId: user.id,
    sourceAddress: sourceAddressOf(request),
    before: { role: before.role, disabled: before.disabled, displayName: before.displayName },
    after: { role: user.role, disabled: user.disabled, displayName: user.displayName, passwordChanged: Boolean(password) },
  });
  return NextResponse.json({ user });
});
