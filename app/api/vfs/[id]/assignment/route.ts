// Give a VF to a VM (POST) or take it back (DELETE). Two people assigning the same VF at once:
// the database lets one operation hold the VF; the other gets 409 naming it.
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/http';
import { assignSchema, requestAssign, requestRelease } from '@/lib/operations/requests';
import { operationResponse } from '@/lib/operations/respond';

export const POST = route('vf:assign', async (request, ctx: RouteContext<'/api/vfs/[id]/assignment'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(assignSchema, request);
  if (!body.ok) return body.response;
  return operationResponse(await requestAssign(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});

export const DELETE = route('vf:assign', async (request, ctx: RouteContext<'/api/vfs/[id]/assignment'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  return operationResponse(await requestRelease(id.data, { name: principal.name, sourceAddress: sourceAddressOf(request) }));
});
