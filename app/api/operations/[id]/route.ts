import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { errorResponse, parseId } from '@/lib/http';
import { getOperation } from '@/lib/operations/requests';

export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/operations/[id]'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const operation = await getOperation(id.data);
  return operation ? NextResponse.json(operation) : errorResponse('not-found', `No operation with id "${id.data}".`);
});
