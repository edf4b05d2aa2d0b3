import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseJsonBody } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { createPlan, planRequestSchema } from '@/lib/policies/service';

/** Computes and keeps a plan for a policy (or a selection of hosts). Nothing moves. */
export const POST = route('plan:compute', async (request, _ctx, principal) => {
  const body = await parseJsonBody(planRequestSchema, request);
  if (!body.ok) return body.response;
  const outcome = await createPlan(prisma, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) });
  return outcomeResponse(outcome.ok ? { ok: true, value: { id: outcome.value.id, totals: outcome.value.totals } } : outcome, 201);
}, { body: true });
