import { errorResponse, internalError, parseId } from '@/lib/http';
import { getHostDetail } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

export async function GET(_request: Request, ctx: RouteContext<'/api/hosts/[id]'>) {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  try {
    const host = await getHostDetail(id.data);
    if (!host) return errorResponse('not-found', `No host with id "${id.data}".`);
    return NextResponse.json(host);
  } catch (error) {
    return internalError(error);
  }
}
