// The browser's one way to call our API: typed results, and errors that carry the envelope's
// code and message so the UI can show what went wrong.

import { CSRF_HEADER } from './auth/constants';
import type { ErrorBody, ErrorCode } from './http';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | 'network',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === 'object' && body !== null && 'error' in body && typeof (body as ErrorBody).error?.message === 'string';
}

async function call<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('The server did not answer. Check that it is running.', 0, 'network');
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isErrorBody(body)) throw new ApiError(body.error.message, response.status, body.error.code);
    throw new ApiError(`The server answered ${response.status}.`, response.status, 'internal');
  }
  return body as T;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return call<T>(path, { headers: { accept: 'application/json' } }, signal);
}

/** A change: sends the session's CSRF token, which every state-changing route checks. */
export function apiSend<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, csrfToken: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  return call<T>(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
