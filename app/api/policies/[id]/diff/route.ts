import { z } from 'zod';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseId, parseSearchParams } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { queryInt } from '@/lib/query';
import { diffVersions } from '@/lib/policies/service';

const diffQuery = z.strictObject({ from: queryInt(1, 1_000_000), to: queryInt(1, 1_000_000) });

/** What changed between two versions, field by field. */
export const GET = route('inventory:read', async (request, ctx: RouteContext<'/api/policies/[id]/diff'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const query = parseSearchParams(diffQuery, request.nextUrl.searchParams);
  if (!query.ok) return query.response;
  return outcomeResponse(await diffVersions(prisma, id.data, query.data.from, query.data.to));
}, { query: true });
