// One error envelope for every route: { error: { code, message, issues? } }.
// Handlers parse -> authorize -> act -> respond; anything derived from input ends in a 4xx.

import 'server-only';
import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { log } from '@/lib/log';

export type ErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'length-required'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'internal'
  | 'unavailable';

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
}

const STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'length-required': 411,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  internal: 500,
  unavailable: 503,
};

export function errorResponse(code: ErrorCode, message: string, issues?: ErrorIssue[]): NextResponse<ErrorBody> {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status: STATUS[code] });
}

function issuesOf(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((i) => {
    const path = i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '');
    return { path, message: i.message };
  });
}

/** "generation: Invalid option: expected one of ..." — names the field first. */
function describe(issues: ErrorIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: NextResponse<ErrorBody> };

export function parseSearchParams<S extends z.ZodType>(schema: S, params: URLSearchParams): Parsed<z.infer<S>> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) {
      return { ok: false, response: errorResponse('bad-request', `${key}: given more than once`, [{ path: key, message: 'given more than once' }]) };
    }
    raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const issues = issuesOf(result.error);
  return { ok: false, response: errorResponse('bad-request', describe(issues), issues) };
}

const MAX_BODY_BYTES = 64 * 1024;

/** A JSON body, size-limited and validated; every failure is a 4xx naming what is wrong. */
export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<Parsed<z.infer<S>>> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return { ok: false, response: errorResponse('unsupported-media-type', `Content-Type: send the body as application/json (got ${mediaType ? `"${mediaType}"` : 'none'}).`) };
  }
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return { ok: false, response: errorResponse('payload-too-large', `body: at most ${MAX_BODY_BYTES} bytes`) };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, response: errorResponse('payload-too-large', `body: at most ${MAX_BODY_BYTES} bytes`) };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, response: errorResponse('bad-request', 'body: not valid JSON', [{ path: 'body', message: 'not valid JSON' }]) };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const issues = issuesOf(result.error);
  return { ok: false, response: errorResponse('bad-request', describe(issues), issues) };
}

/** Ids are cuid()s or the seed's stable ids: letters, digits, '_' and '-'. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function parseId(name: string, value: string): Parsed<string> {
  if (ID_PATTERN.test(value)) return { ok: true, data: value };
  return {
    ok: false,
    response: errorResponse('bad-request', `${name}: not a valid id (letters, digits, '_' or '-', at most 64)`, [{ path: name, message: 'not a valid id' }]),
  };
}

/** The last line of defence: log the cause, answer without leaking it. */
export function internalError(error: unknown): NextResponse<ErrorBody> {
  log.error({ err: error }, 'internal error');
  return errorResponse('internal', 'The server could not complete the request; the cause is in its log.');
}
