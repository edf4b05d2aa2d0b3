import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { parseSearchParams } from '@/lib/http';
import { listVms, vmQuerySchema } from '@/lib/inventory/vms';

export const GET = route('inventory:read', async (request) => {
  const query = parseSearchParams(vmQuerySchema, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  return NextResponse.json(await listVms(query.data));
}, { query: true });
