import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { errorResponse, parseId, parseJsonBody } from '@/lib/http';
import { fixSchema, requestFix } from '@/lib/operations/requests';

/** The host's fix in one request: its change set's BIOS change and OS fixes, then the reboot they need. */
export const POST = route('host:fix', async (request, ctx: RouteContext<'/api/hosts/[id]/fix'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(fixSchema, request);
  if (!body.ok) return body.response;
  const outcome = await requestFix(id.data, body.data, { name: principal.name, sourceAddress: sourceAddressOf(request), role: principal.role });
  if (!outcome.ok) return errorResponse(outcome.code, outcome.message);
  return NextResponse.json({ operations: outcome.operations }, { status: 202 });
}, { body: true });
