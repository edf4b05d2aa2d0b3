import { NextResponse } from 'next/server';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { errorResponse, parseJsonBody } from '@/lib/http';
import { applyLabels, bulkLabelSchema } from '@/lib/inventory/labels';

/** The same label change on many hosts at once (a selection in the fleet table). */
export const POST = route('host:label', async (request, _ctx, principal) => {
  const body = await parseJsonBody(bulkLabelSchema, request);
  if (!body.ok) return body.response;
  const { hostIds, ...change } = body.data;
  const outcome = await applyLabels(prisma, hostIds, change, { name: principal.name, sourceAddress: sourceAddressOf(request) });
  if (!outcome.ok) return errorResponse('bad-request', outcome.message);
  return NextResponse.json({ hosts: outcome.hosts });
}, { body: true });
