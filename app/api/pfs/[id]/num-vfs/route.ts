import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { requestVfCount, vfCountSchema } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const PUT = route('vf:configure', async (request, ctx: RouteContext<'/api/pfs/[id]/num-vfs'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(vfCountSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestVfCount(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
