import { NextResponse } from 'next/server';
import { z } from 'zod';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { newPasswordSchema } from '@/lib/auth/passwords';
import { ROLES } from '@/lib/auth/permissions';
import { updateUser, userSelect } from '@/lib/auth/users';
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
  // By any credential (a session, or a token acting for its owner): nobody raises, lowers or
  // disables their own account.
  if (before.id === principal.userId && ((body.data.role !== undefined && body.data.role !== before.role) || body.data.disabled === true)) {
    return errorResponse('forbidden', `${body.data.role !== undefined ? 'role' : 'disabled'}: you cannot change your own role or disable yourself; another admin must do it.`);
  }
  const updated = await updateUser(id.data, body.data);
  if (!updated.ok) return errorResponse('conflict', `${body.data.role !== undefined ? 'role' : 'disabled'}: ${updated.message}`);
  const user = updated.user;
  await recordAudit({
    actor: principal.name,
    action: 'user-update',
    targetType: 'user',
    targetId: user.id,
    sourceAddress: sourceAddressOf(request),
    before: { role: before.role, disabled: before.disabled, displayName: before.displayName },
    after: { role: user.role, disabled: user.disabled, displayName: user.displayName, passwordChanged: Boolean(body.data.password) },
  });
  return NextResponse.json({ user });
}, { body: true });
