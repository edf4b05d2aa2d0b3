import { NextResponse } from 'next/server';
import { z } from 'zod';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { newPasswordSchema } from '@/lib/auth/passwords';
import { ROLES } from '@/lib/auth/permissions';
import { createUser, userSelect } from '@/lib/auth/users';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseJsonBody } from '@/lib/http';

const createUserSchema = z.strictObject({
  userName: z.string().trim().regex(/^[a-z][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, ".", "_" or "-", starting with a letter (2 to 64)'),
  displayName: z.string().trim().max(100).optional(),
  role: z.enum(ROLES),
  password: newPasswordSchema,
});

export const GET = route('user:manage', async () => NextResponse.json({ users: await prisma.user.findMany({ select: userSelect, orderBy: { userName: 'asc' } }) }));

export const POST = route('user:manage', async (request, _ctx, principal) => {
  const body = await parseJsonBody(createUserSchema, request);
  if (!body.ok) return body.response;
  if (await prisma.user.findUnique({ where: { userName: body.data.userName }, select: { id: true } })) {
    return errorResponse('conflict', `userName: "${body.data.userName}" already exists`);
  }
  const user = await createUser(body.data);
  await recordAudit({ actor: principal.name, action: 'user-create', targetType: 'user', targetId: user.id, sourceAddress: sourceAddressOf(request), after: { userName: user.userName, role: user.role } });
  return NextResponse.json({ user }, { status: 201 });
}, { body: true });
