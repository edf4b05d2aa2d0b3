import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { requestVfBind, vfDriverSchema } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const PUT = route('vf:configure', async (request, ctx: RouteContext<'/api/vfs/[id]/driver'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(vfDriverSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestVfBind(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
