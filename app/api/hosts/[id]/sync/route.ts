// A fresh read of the host now, instead of at the next poll. Reading changes nothing on the host,
// so anyone signed in may ask.
import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId } from '@/lib/http';
import { syncHost } from '@/lib/sync/sync-host';

export const POST = route('inventory:read', async (_request, ctx: RouteContext<'/api/hosts/[id]/sync'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  if (!(await prisma.host.findUnique({ where: { id: id.data }, select: { id: true } }))) return errorResponse('not-found', `No host with id "${id.data}".`);
  const outcome = await syncHost(id.data);
  return NextResponse.json(outcome.ok ? { ok: true, ms: outcome.ms } : { ok: false, error: outcome.error, ms: outcome.ms });
});
