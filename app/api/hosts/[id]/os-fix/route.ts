import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { osFixSchema, requestOsFix } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const POST = route('host:manage', async (request, ctx: RouteContext<'/api/hosts/[id]/os-fix'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(osFixSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestOsFix(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
