import { NextResponse } from 'next/server';
import { z } from 'zod';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { ROLES } from '@/lib/auth/permissions';
import { hashApiToken, newApiToken } from '@/lib/auth/session';
import { tokenSelect } from '@/lib/auth/users';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseJsonBody } from '@/lib/http';


const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'required').max(80),
  role: z.enum(ROLES),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const GET = route('token:manage', async () => NextResponse.json({ tokens: await prisma.apiToken.findMany({ select: tokenSelect, orderBy: { createdAt: 'desc' } }) }));

/** The token is in this response and nowhere else: only its SHA-256 is kept. */
export const POST = route('token:manage', async (request, _ctx, principal) => {
  const body = await parseJsonBody(createTokenSchema, request);
  if (!body.ok) return body.response;
  if (principal.kind !== 'session' || !principal.userId) return errorResponse('forbidden', 'API tokens are created by a signed-in admin, not by another token.');
  const token = newApiToken();
  const created = await prisma.apiToken.create({
    data: {
      name: body.data.name,
      role: body.data.role,
      prefix: token.slice(0, 8),
      tokenHash: hashApiToken(token),
      createdById: principal.userId,
      expiresAt: body.data.expiresInDays ? new Date(Date.now() + body.data.expiresInDays * 86_400_000) : null,
    },
    select: tokenSelect,
  });
  await recordAudit({ actor: principal.name, action: 'token-create', targetType: 'api-token', targetId: created.id, sourceAddress: sourceAddressOf(request), after: { name: created.name, role: created.role } });
  return NextResponse.json({ token, apiToken: created }, { status: 201 });
}, { body: true });
