import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseJsonBody } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { createPolicy, createPolicySchema, listPolicies } from '@/lib/policies/service';

export const GET = route('inventory:read', async () => NextResponse.json({ policies: await listPolicies(prisma) }));

/** A new policy, version 1; the document is checked against the fleet's BIOS registries. */
export const POST = route('policy:edit', async (request, _ctx, principal) => {
  const body = await parseJsonBody(createPolicySchema, request);
  if (!body.ok) return body.response;
  return outcomeResponse(await createPolicy(prisma, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }), 201);
}, { body: true });
