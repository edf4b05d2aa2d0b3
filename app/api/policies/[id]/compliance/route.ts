import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId } from '@/lib/http';
import { policyCompliance } from '@/lib/policies/service';

/** Each host the policy selects: compliant, drifted, pending a reboot, refused or unknown, and since when. */
export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/policies/[id]/compliance'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  if (!(await prisma.policy.findUnique({ where: { id: id.data }, select: { id: true } }))) return errorResponse('not-found', `No policy with id "${id.data}".`);
  return NextResponse.json(await policyCompliance(prisma, id.data));
});
