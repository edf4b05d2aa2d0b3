import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { biosChangeSchema, requestBiosChange } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const PATCH = route('bios:change', async (request, ctx: RouteContext<'/api/hosts/[id]/bios'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(biosChangeSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestBiosChange(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
