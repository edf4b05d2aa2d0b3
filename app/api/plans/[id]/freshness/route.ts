import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseId } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { planFreshness } from '@/lib/policies/service';

/** Is the inventory still what the plan was computed on? If not, what changed, host by host. */
export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/plans/[id]/freshness'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  return outcomeResponse(await planFreshness(prisma, id.data));
});
