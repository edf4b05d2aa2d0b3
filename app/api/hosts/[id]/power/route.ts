import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { powerSchema, requestPower } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const POST = route('host:power', async (request, ctx: RouteContext<'/api/hosts/[id]/power'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(powerSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestPower(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
