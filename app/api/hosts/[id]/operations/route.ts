import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId } from '@/lib/http';
import { listHostOperations } from '@/lib/operations/requests';

export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/hosts/[id]/operations'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  if (!(await prisma.host.findUnique({ where: { id: id.data }, select: { id: true } }))) return errorResponse('not-found', `No host with id "${id.data}".`);
  return NextResponse.json({ operations: await listHostOperations(id.data) });
});
