import { route } from '@/lib/auth/guard';
import { errorResponse, parseId } from '@/lib/http';
import { getHostDetail } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/hosts/[id]'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const host = await getHostDetail(id.data);
  if (!host) return errorResponse('not-found', `No host with id "${id.data}".`);
  return NextResponse.json(host);
});
