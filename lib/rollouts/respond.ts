import 'server-only';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseId } from '@/lib/http';
import { outcomeResponse } from '@/lib/policies/respond';
import { steerRollout } from './service';

/** POST /api/rollouts/{id}/pause|resume|cancel: cancel lets hosts on their way finish and starts no other. */
export function rolloutAction(action: 'pause' | 'resume' | 'cancel') {
  return route('rollout:run', async (request, ctx: { params: Promise<{ id: string }> }, principal) => {
    const id = parseId('id', (await ctx.params).id);
    if (!id.ok) return id.response;
    return outcomeResponse(await steerRollout(prisma, id.data, action, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
  });
}
