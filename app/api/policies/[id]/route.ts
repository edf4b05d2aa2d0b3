import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId, parseJsonBody } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { archivePolicy, getPolicy, updatePolicy, updatePolicySchema } from '@/lib/policies/service';

/** The policy, its current document and every version. */
export const GET = route('inventory:read', async (_request, ctx: RouteContext<'/api/policies/[id]'>) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const policy = await getPolicy(prisma, id.data);
  return policy ? NextResponse.json(policy) : errorResponse('not-found', `No policy with id "${id.data}".`);
});

/** An edit is a new version, made on `baseVersion` (409 if someone saved another meanwhile). */
export const PUT = route('policy:edit', async (request, ctx: RouteContext<'/api/policies/[id]'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(updatePolicySchema, request);
  if (!body.ok) return body.response;
  return outcomeResponse(await updatePolicy(prisma, id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
}, { body: true });

/** Archived, not deleted: it selects nothing any more and keeps its history. */
export const DELETE = route('policy:edit', async (request, ctx: RouteContext<'/api/policies/[id]'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  return outcomeResponse(await archivePolicy(prisma, id.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
