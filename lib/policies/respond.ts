// Policy and plan outcomes as answers: the value as JSON, or the refusal in the envelope.

import 'server-only';
import { NextResponse } from 'next/server';
import { errorResponse } from '@/lib/http';
import type { Outcome } from './service';

export function outcomeResponse<T>(outcome: Outcome<T>, status = 200): Response {
  return outcome.ok ? NextResponse.json(outcome.value, { status }) : errorResponse(outcome.code, outcome.message, outcome.issues);
}
