import { route } from '@/lib/auth/guard';
import { errorResponse } from '@/lib/http';
import { getFleetSummary } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

export const GET = route('inventory:read', async (request) => {
  const unexpected = [...request.nextUrl.searchParams.keys()];
  if (unexpected.length > 0) {
    return errorResponse('bad-request', `${unexpected.join(', ')}: this endpoint takes no query parameters`, unexpected.map((path) => ({ path, message: 'not a parameter of this endpoint' })));
  }
  return NextResponse.json(await getFleetSummary());
});
