import { route } from '@/lib/auth/guard';
import { errorResponse, parseSearchParams } from '@/lib/http';
import { fleetQuerySchema } from '@/lib/inventory/fleet';
import { listFleet } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

export const GET = route('inventory:read', async (request) => {
  const query = parseSearchParams(fleetQuerySchema, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  const page = await listFleet(query.data);
  if (page.page > page.pageCount && page.total > 0) {
    return errorResponse('bad-request', `page: there are only ${page.pageCount} pages of ${page.pageSize}`, [{ path: 'page', message: 'beyond the last page' }]);
  }
  return NextResponse.json(page);
});
