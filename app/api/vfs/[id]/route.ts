import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { requestVfSettings, vfSettingsSchema } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const PATCH = route('vf:configure', async (request, ctx: RouteContext<'/api/vfs/[id]'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(vfSettingsSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestVfSettings(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
