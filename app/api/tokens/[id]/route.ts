import { NextResponse } from 'next/server';
import { recordAudit, sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId } from '@/lib/http';

/** Revokes; the row stays so the audit log keeps naming it. */
export const DELETE = route('token:manage', async (request, ctx: RouteContext<'/api/tokens/[id]'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const token = await prisma.apiToken.findUnique({ where: { id: id.data }, select: { id: true, name: true, revokedAt: true } });
  if (!token) return errorResponse('not-found', `No API token with id "${id.data}".`);
  if (!token.revokedAt) await prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
  await recordAudit({ actor: principal.name, action: 'token-revoke', targetType: 'api-token', targetId: token.id, sourceAddress: sourceAddressOf(request), before: { name: token.name } });
  return new NextResponse(null, { status: 204 });
});
