import { errorResponse, internalError } from '@/lib/http';
import { getFleetSummary } from '@/lib/inventory/service';
import { NextResponse, type NextRequest } from 'next/server';

export async function GET(request: NextRequest) {
  const unexpected = [...request.nextUrl.searchParams.keys()];
  if (unexpected.length > 0) {
    return errorResponse('bad-request', `${unexpected.join(', ')}: this endpoint takes no query parameters`, unexpected.map((path) => ({ path, message: 'not a parameter of this endpoint' })));
  }
  try {
    return NextResponse.json(await getFleetSummary());
  } catch (error) {
    return internalError(error);
  }
}
