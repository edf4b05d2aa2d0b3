import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseId, parseJsonBody } from '@/lib/http';
import { applyLabels, labelChangeSchema } from '@/lib/inventory/labels';

/** {"set": {"role": "kvm"}, "remove": ["rack"]} on one host. */
export const PATCH = route('host:label', async (request, ctx: RouteContext<'/api/hosts/[id]/labels'>, principal) => {
  const id = parseId('id', (await ctx.params).id);
  if (!id.ok) return id.response;
  const body = await parseJsonBody(labelChangeSchema, request);
  if (!body.ok) return body.response;
  const outcome = await applyLabels(prisma, [id.data], body.data, { name: principal.name, sourceAddress: sourceAddressOf(request) });
  if (!outcome.ok) return errorResponse(outcome.code, outcome.code === 'not-found' ? `No host with id "${id.data}".` : outcome.message);
  return NextResponse.json({ host: outcome.hosts[0] });
}, { body: true });
