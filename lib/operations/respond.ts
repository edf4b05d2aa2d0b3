// How a route answers an operation request: 202 with the queued operation, or the refusal.

import { NextResponse } from 'next/server';
import { errorResponse } from '@/lib/http';
import type { RequestOutcome } from './requests';

export function operationResponse(outcome: RequestOutcome): Response {
  if (outcome.ok) return NextResponse.json({ operation: outcome.operation }, { status: 202, headers: { Location: `/api/operations/${outcome.operation.id}` } });
  return errorResponse(outcome.code, outcome.message);
}
