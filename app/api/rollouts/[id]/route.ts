import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId } from '@/lib/http';
import { getRollout } from '@/lib/rollouts/service';

/** The rollout, its waves and every host: waiting, step i of n, done, failed or skipped with the reason. */
export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/rollouts/[id]'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const rollout = await getRollout(prisma, id.data);
  return rollout ? NextResponse.json(rollout) : errorResponse('not-found', `No rollout with id "${id.data}".`);
});
