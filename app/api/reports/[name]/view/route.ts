import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseReportRequest } from '@/lib/reports/request';
import { reportView } from '@/lib/reports/service';
import { NextResponse } from 'next/server';

// What the report page shows: the figures for every matching row and the first rows.
export const GET = route('inventory:read', async (request, ctx: RouteContext<'/api/reports/[name]/view'>) => {
  const parsed = parseReportRequest((await ctx.params).name, request.nextUrl.searchParams, { withFormat: false });
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await reportView(prisma, parsed.data.name, parsed.data.query), { headers: { 'cache-control': 'no-store' } });
}, { query: true });
