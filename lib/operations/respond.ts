// The change routes all read the same way: an id from the path, a body checked by its schema, the
// requester, and the answer: 202 with the queued operation, or the refusal in the envelope.

import 'server-only';
import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { sourceAddressOf } from '@/lib/audit';
import { route } from '@/lib/auth/guard';
import type { Action } from '@/lib/auth/permissions';
import { errorResponse, parseId, parseJsonBody } from '@/lib/http';
import type { Requester, RequestOutcome } from './requests';

export function operationResponse(outcome: RequestOutcome): Response {
  if (outcome.ok) return NextResponse.json({ operation: outcome.operation }, { status: 202, headers: { Location: `/api/operations/${outcome.operation.id}` } });
  return errorResponse(outcome.code, outcome.message, outcome.issues);
}

type IdContext = { params: Promise<{ id: string }> };

/** A route that queues an operation on the thing named by [id], with a JSON body (or none: `null`). */
export function operationRoute<S extends z.ZodType>(
  action: Action,
  schema: S | null,
  request: (id: string, body: z.infer<S>, who: Requester) => Promise<RequestOutcome>,
) {
  return route(action, async (req, ctx: IdContext, principal) => {
    const id = parseId('id', (await ctx.params).id);
    if (!id.ok) return id.response;
    let body: z.infer<S> = undefined as z.infer<S>;
    if (schema) {
      const parsed = await parseJsonBody(schema, req);
      if (!parsed.ok) return parsed.response;
      body = parsed.data;
    }
    return operationResponse(await request(id.data, body, { name: principal.name, sourceAddress: sourceAddressOf(req) }));
  }, { body: schema !== null });
}
