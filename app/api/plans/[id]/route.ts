import { NextResponse } from 'next/server';
import { z } from 'zod';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId, parseSearchParams } from '@/lib/http';
import { planCsv } from '@/lib/policies/plan-csv';
import { getPlan } from '@/lib/policies/service';

const planQuery = z.strictObject({ format: z.enum(['json', 'csv']).optional() });

/** The plan as computed; ?format=csv|json downloads it. */
export const GET = route('inventory:read', async (request, ctx: RouteContext<'/api/plans/[id]'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const query = parseSearchParams(planQuery, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  const plan = await getPlan(prisma, id.data);
  if (!plan) return errorResponse('not-found', `No plan with id "${id.data}".`);
  if (query.data.format === undefined) return NextResponse.json(plan);
  const file = `plan-${plan.id}.${query.data.format}`;
  const body = query.data.format === 'csv' ? planCsv(plan) : `${JSON.stringify(plan, null, 2)}\n`;
  return new Response(body, {
    headers: { 'content-type': query.data.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="${file}"`, 'cache-control': 'no-store' },
  });
}, { query: true });
