import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseJsonBody } from '@/lib/http';
import { listRollouts, startRollout, startRolloutSchema } from '@/lib/rollouts/service';

export const GET = route('inventory:read', async () => NextResponse.json({ rollouts: await listRollouts(prisma) }));

/** Applies a plan: a canary, then waves. Refused (409) when the plan is stale, a host is in another rollout, or a host was reset in the last hour. */
export const POST = route('rollout:run', async (request, _ctx, principal) => {
  const body = await parseJsonBody(startRolloutSchema, request);
  if (!body.ok) return body.response;
  const outcome = await startRollout(prisma, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) });
  if (!outcome.ok) {
    const response = errorResponse(outcome.code, outcome.message, outcome.issues);
    return outcome.details ? NextResponse.json({ ...(await response.json()), details: outcome.details }, { status: response.status }) : response;
  }
  return NextResponse.json(outcome.value, { status: 201 });
}, { body: true });
